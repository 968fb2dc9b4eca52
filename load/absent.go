package load

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/attach"
)

// tracefsEvents are where the kernel lists its tracepoints, one directory per
// CATEGORY/NAME; tracefs may also sit under debugfs.
var tracefsEvents = []string{"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"}

// kernelHooks answers whether a hook's attach point exists on the running
// kernel. libbpf-tools ask the same question in their own user space
// (tracepoint_exists, kprobe_exists) and turn off the programs whose hook is
// absent: syncsnoop traces sys_enter_arm_sync_file_range, which only arm
// kernels have, and cachestat functions that newer kernels renamed.
type kernelHooks struct {
	eventsOnce sync.Once
	events     string // a tracefs events directory, "" when none is readable

	symsOnce sync.Once
	syms     map[string]bool // kernel function names from /proc/kallsyms; nil when unreadable
}

// absent returns why h's attach point does not exist on this kernel, or ""
// when it exists, when h is not a kernel hook, or when the kernel cannot tell.
// Only a definite answer skips a program: an unknown one is left to attach,
// whose error then names the real cause.
func (k *kernelHooks) absent(h attach.Hook) string {
	switch h.Kind {
	case "tracepoint":
		if dir := k.eventsDir(); dir != "" && !exists(filepath.Join(dir, h.Group, h.Name)) {
			return fmt.Sprintf("tracepoint %s/%s does not exist on this kernel", h.Group, h.Name)
		}
	case "raw_tp", "tp_btf":
		// A raw tracepoint is named without its category: any category will do.
		if dir := k.eventsDir(); dir != "" {
			if m, _ := filepath.Glob(filepath.Join(dir, "*", h.Name)); len(m) == 0 {
				return fmt.Sprintf("tracepoint %s does not exist on this kernel", h.Name)
			}
		}
	case "fentry", "fexit", "fmod_ret", "kprobe", "kretprobe":
		fn := h.Name
		if fn == "" {
			fn = h.Symbol
		}
		// The kernel's BTF, which CO-RE loads anyway, knows most functions;
		// reading /proc/kallsyms costs ~0.2 s, so only ask it about the rest.
		if fn == "" || inKernelBTF(fn) {
			return ""
		}
		if syms := k.symbols(); syms != nil && !syms[fn] {
			return fmt.Sprintf("kernel function %s does not exist on this kernel (not in /proc/kallsyms)", fn)
		}
	}
	return ""
}

// eventsDir returns a readable tracefs events directory, mounting tracefs if
// none is mounted (attaching tracepoints needs it anyway).
func (k *kernelHooks) eventsDir() string {
	k.eventsOnce.Do(func() {
		if attach.EnsureTracefs() != nil {
			return
		}
		for _, d := range tracefsEvents {
			if exists(d) {
				k.events = d
				return
			}
		}
	})
	return k.events
}

// symbols reads the names of kernel text symbols, including modules', once.
func (k *kernelHooks) symbols() map[string]bool {
	k.symsOnce.Do(func() {
		f, err := os.Open("/proc/kallsyms")
		if err != nil {
			return
		}
		defer f.Close()
		syms := map[string]bool{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// "ADDRESS TYPE NAME [MODULE]"; t/T are text (function) symbols.
			fields := strings.Fields(sc.Text())
			if len(fields) >= 3 && (fields[1] == "t" || fields[1] == "T") {
				syms[fields[2]] = true
			}
		}
		if sc.Err() == nil && len(syms) > 0 {
			k.syms = syms
		}
	})
	return k.syms
}

// inKernelBTF reports whether the kernel's BTF describes function fn.
func inKernelBTF(fn string) bool {
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return false
	}
	var f *btf.Func
	err = spec.TypeByName(fn, &f)
	return err == nil || errors.Is(err, btf.ErrMultipleMatches)
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// dropAbsent takes out of the plan every flavour whose attach point is absent,
// recording why in failures, and every unit left with no flavour at all. It
// returns the programs of the units it dropped, or an error when no unit is
// left: a run that attaches nothing is not what the user asked for.
func (pl *plan) dropAbsent(k *kernelHooks, failures map[*flavour]failure) ([]Skipped, error) {
	for name, f := range pl.flavour {
		if why := k.absent(pl.hooks[name]); why != "" {
			f.dead = true
			failures[f] = failure{name, pl.hooks[name].Section, why}
		}
	}
	var kept []*unit
	var dropped []Skipped
	var reasons []string
	for _, u := range pl.units {
		if len(u.live()) > 0 {
			kept = append(kept, u)
			continue
		}
		for _, f := range u.flavours {
			fail := failures[f]
			reasons = append(reasons, fail.String())
			for _, name := range f.progs {
				dropped = append(dropped, Skipped{Name: name, Section: pl.hooks[name].Section, Reason: fail.reason})
			}
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("load: no program can attach, their hooks do not exist on this kernel: %s", summarize(reasons, 3, "; "))
	}
	pl.units = kept
	return dropped, nil
}

// summarize joins the first n items with sep and counts the rest, keeping a
// line about a tool with dozens of programs readable.
func summarize(items []string, n int, sep string) string {
	if len(items) <= n {
		return strings.Join(items, sep)
	}
	return fmt.Sprintf("%s%sand %d more", strings.Join(items[:n], sep), sep, len(items)-n)
}
