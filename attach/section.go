package attach

import (
	"fmt"
	"strconv"
	"strings"
)

// Hook is a parsed section name.
type Hook struct {
	// Section is the section name as written, without libbpf's optional "?" prefix.
	Section string
	// Kind is the hook family: "tracepoint", "raw_tp", "tp_btf", "fentry", "fexit",
	// "fmod_ret", "lsm", "lsm_cgroup", "kprobe", "kretprobe", "ksyscall",
	// "kretsyscall", "uprobe", "uretprobe", "perf_event", "iter", "xdp", "tc",
	// "tcx", "cgroup" or "socket". Aliases are folded: "tp" is "tracepoint",
	// "raw_tracepoint" is "raw_tp", "classifier" is "tc", "cgroup_skb" and
	// "sockops" are "cgroup", and sleepable (".s") variants keep their base kind.
	Kind string
	// Target is what the section names after the kind, e.g.
	// "syscalls/sys_enter_openat", "do_unlinkat+16", "/bin/bash:readline",
	// "ingress", "task", "skb/egress", "connect4"; "" when the section names none.
	Target string
	// Twin is a key shared by flavours of the same hook, so that a loader can keep
	// only one of them: "entry:F" (fentry/F, kprobe/F), "exit:F" (fexit/F,
	// kretprobe/F), "tp:NAME" (tp_btf/NAME, raw_tp/NAME, tracepoint/CAT/NAME);
	// "" if the hook has no alternative flavours.
	Twin string
	// Group and Name split a tracepoint target "CAT/NAME"; Name alone holds the
	// event of raw_tp, tp_btf and iter hooks and the function of fentry, fexit,
	// fmod_ret and lsm hooks.
	Group, Name string
	// Path is the binary a uprobe names ("" if it names none).
	Path string
	// Symbol is the function a kprobe or uprobe hooks ("" if the section names none).
	Symbol string
	// Offset is the "+off" added to Symbol, or the address of a uprobe given as a
	// hexadecimal number instead of a symbol.
	Offset uint64
	// Sleepable is set for ".s" sections (uprobe.s, lsm.s, fentry.s, iter.s).
	Sleepable bool
}

// families lists the section prefixes ParseSection accepts, for error messages.
const families = "tracepoint/tp, raw_tp/raw_tracepoint, tp_btf, fentry, fexit, fmod_ret, " +
	"lsm, lsm.s, lsm_cgroup, kprobe, kretprobe, ksyscall, kretsyscall, uprobe, uretprobe, " +
	"perf_event, iter, xdp, tc, tcx, classifier, cgroup_skb, cgroup, sockops, socket"

// kindOf maps the part of a section name before its first "/" to a Kind.
var kindOf = map[string]string{
	"tracepoint": "tracepoint", "tp": "tracepoint",
	"raw_tp": "raw_tp", "raw_tracepoint": "raw_tp", "raw_tp.w": "raw_tp", "raw_tracepoint.w": "raw_tp",
	"tp_btf": "tp_btf",
	"fentry": "fentry", "fentry.s": "fentry",
	"fexit": "fexit", "fexit.s": "fexit",
	"fmod_ret": "fmod_ret", "fmod_ret.s": "fmod_ret",
	"lsm": "lsm", "lsm.s": "lsm", "lsm_cgroup": "lsm_cgroup",
	"kprobe": "kprobe", "kretprobe": "kretprobe",
	"ksyscall": "ksyscall", "kretsyscall": "kretsyscall",
	"uprobe": "uprobe", "uprobe.s": "uprobe", "uretprobe": "uretprobe", "uretprobe.s": "uretprobe",
	"perf_event": "perf_event",
	"iter":       "iter", "iter.s": "iter",
	"xdp": "xdp", "xdp.frags": "xdp",
	"tc": "tc", "classifier": "tc", "tcx": "tcx",
	"cgroup_skb": "cgroup", "cgroup": "cgroup", "sockops": "cgroup",
	"socket": "socket",
}

// ParseSection parses an ELF section name into a Hook. An unknown section is a
// one-line error naming it and listing the families supported; a section whose
// kind needs a target it lacks (e.g. "tracepoint/openat") is an error too.
func ParseSection(section string) (Hook, error) {
	name := strings.TrimPrefix(section, "?")
	prefix, rest, hasSlash := strings.Cut(name, "/")
	kind, ok := kindOf[prefix]
	if !ok && strings.HasPrefix(prefix, "socket") {
		// libbpf matches "socket" as a bare prefix ("socket1", "socket_filter").
		kind, ok = "socket", true
	}
	if !ok {
		return Hook{}, fmt.Errorf("section %q is not a hook nomia can attach; supported: %s", section, families)
	}
	h := Hook{Section: name, Kind: kind, Target: rest, Sleepable: strings.HasSuffix(prefix, ".s")}
	bad := func(want string) (Hook, error) {
		return Hook{}, fmt.Errorf("section %q: expected %s", section, want)
	}
	switch kind {
	case "tracepoint":
		g, n, ok := strings.Cut(rest, "/")
		if !ok || g == "" || n == "" || strings.Contains(n, "/") {
			return bad(prefix + "/CATEGORY/NAME, e.g. tracepoint/syscalls/sys_enter_openat")
		}
		h.Group, h.Name, h.Twin = g, n, "tp:"+n
	case "raw_tp", "tp_btf":
		if rest == "" {
			return bad(prefix + "/TRACEPOINT, e.g. " + prefix + "/sched_switch")
		}
		h.Name, h.Twin = rest, "tp:"+rest
	case "fentry", "fexit", "fmod_ret", "lsm", "lsm_cgroup", "iter":
		if rest == "" {
			return bad(prefix + "/NAME")
		}
		h.Name = rest
		if kind == "fentry" {
			h.Twin = "entry:" + rest
		} else if kind == "fexit" {
			h.Twin = "exit:" + rest
		}
	case "kprobe", "kretprobe", "ksyscall", "kretsyscall":
		if rest == "" {
			return bad(prefix + "/FUNCTION")
		}
		sym, off, err := splitOffset(rest)
		if err != nil || sym == "" {
			return bad(prefix + "/FUNCTION[+OFFSET]")
		}
		h.Symbol, h.Offset = sym, off
		if off == 0 && kind == "kprobe" {
			h.Twin = "entry:" + sym
		} else if off == 0 && kind == "kretprobe" {
			h.Twin = "exit:" + sym
		}
	case "uprobe", "uretprobe":
		if err := parseUprobe(&h, rest); err != nil {
			return bad(prefix + "/PATH:SYMBOL[+OFFSET] or " + prefix + "/SYMBOL")
		}
	case "perf_event", "socket":
		// libbpf ignores what follows these prefixes.
	case "xdp":
		if rest == "devmap" || rest == "cpumap" {
			return Hook{}, fmt.Errorf("section %q: programs for %s entries are attached through the map, not to an interface", section, rest)
		}
	case "tc":
		switch {
		case !hasSlash || rest == "":
			h.Target = "ingress"
		case rest != "ingress" && rest != "egress":
			return bad(prefix + ", " + prefix + "/ingress or " + prefix + "/egress")
		}
	case "tcx":
		if rest != "ingress" && rest != "egress" {
			return bad("tcx/ingress or tcx/egress")
		}
	case "cgroup":
		if prefix == "cgroup_skb" {
			if rest != "ingress" && rest != "egress" {
				return bad("cgroup_skb/ingress or cgroup_skb/egress")
			}
			h.Target = "skb/" + rest
		} else if prefix == "sockops" {
			h.Target = "sock_ops"
		} else if rest == "" || rest == "skb" {
			return bad("cgroup/ATTACH_POINT with an attach type, e.g. cgroup/connect4 or cgroup_skb/ingress")
		}
	}
	return h, nil
}

// parseUprobe fills Path, Symbol and Offset from what follows "uprobe/":
// "PATH:SYMBOL[+OFF]", "PATH:0xADDR", "SYMBOL[+OFF]" or nothing. libbpf writes
// absolute paths after the slash, so "uprobe//bin/bash:readline" names /bin/bash.
func parseUprobe(h *Hook, rest string) error {
	if rest == "" {
		return nil
	}
	spec := rest
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		h.Path, spec = rest[:i], rest[i+1:]
		if h.Path == "" {
			return fmt.Errorf("empty path")
		}
	}
	if strings.HasPrefix(spec, "0x") {
		addr, err := strconv.ParseUint(spec[2:], 16, 64)
		if err != nil {
			return err
		}
		h.Offset = addr
		return nil
	}
	sym, off, err := splitOffset(spec)
	if err != nil || sym == "" {
		return fmt.Errorf("bad symbol %q", spec)
	}
	h.Symbol, h.Offset = sym, off
	return nil
}

// splitOffset splits "SYMBOL+OFF" (OFF decimal or 0x-hexadecimal).
func splitOffset(s string) (string, uint64, error) {
	sym, off, ok := strings.Cut(s, "+")
	if !ok {
		return s, 0, nil
	}
	n, err := strconv.ParseUint(off, 0, 64)
	return sym, n, err
}
