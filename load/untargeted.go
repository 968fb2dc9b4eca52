package load

import (
	"fmt"
	"strings"

	"nomia.dev/nomia/attach"
)

// untargeted reports whether h is a uprobe or uretprobe whose section names no
// function (SEC("uprobe"), as gethostlatency and memleak write them) and t
// names none either. libbpf's skeleton leaves such programs unattached: their
// user space attaches them to functions it chooses, or not at all (memleak
// tracing the kernel).
func untargeted(h attach.Hook, t attach.Target) bool {
	if !h.NeedsTarget() {
		return false
	}
	_, sym, _ := strings.Cut(t.Binary, ":")
	return sym == ""
}

// untargetedReason is the Skipped reason of an untargeted program.
const untargetedReason = "its section names no function to probe; libbpf leaves such programs unattached too"

// dropUntargeted takes the untargeted programs out of the plan, as libbpf's
// skeleton does, and returns them, provided another program remains to run.
// When none would, it drops nothing: attaching then fails with the error that
// says what target to give.
func (pl *plan) dropUntargeted(t attach.Target) []Skipped {
	var kept []*unit
	var dropped []*flavour
	for _, u := range pl.units {
		// A uprobe has no twins: its unit is this one program.
		if f := u.flavours[0]; len(u.flavours) == 1 && len(f.progs) == 1 && untargeted(pl.hooks[f.progs[0]], t) {
			dropped = append(dropped, f)
			continue
		}
		kept = append(kept, u)
	}
	if len(kept) == 0 || len(dropped) == 0 {
		return nil
	}
	pl.units = kept
	skipped := make([]Skipped, len(dropped))
	for i, f := range dropped {
		f.dead = true // nor loaded: nothing would run it
		name := f.progs[0]
		skipped[i] = Skipped{Name: name, Section: pl.hooks[name].Section, Reason: untargetedReason}
	}
	return skipped
}

// untargetedNote is the one note line for the untargeted programs left out.
func untargetedNote(dropped []Skipped) string {
	names := make([]string, len(dropped))
	for i, sk := range dropped {
		names[i] = sk.Name
	}
	return fmt.Sprintf("nomia: left %d uprobe program(s) unattached, their sections name no function, as libbpf does (attach one with --attach PROG=PATH:SYMBOL): %s\n",
		len(dropped), summarize(names, 6, ", "))
}
