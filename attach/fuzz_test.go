package attach

import (
	"strings"
	"testing"
)

// FuzzParseSection feeds ParseSection and Retarget section names and targets,
// which come from packages and command lines. Neither may panic; what
// ParseSection accepts keeps its section name, and what Retarget returns
// parses again, to a hook of the same kind.
func FuzzParseSection(f *testing.F) {
	for _, s := range []string{
		"tracepoint/syscalls/sys_enter_openat", "tp/sched/sched_switch", "raw_tp/sched_switch",
		"tp_btf/sched_wakeup", "fentry/do_unlinkat", "fexit.s/vfs_read", "lsm/file_open",
		"kprobe/do_unlinkat+16", "kretprobe/vfs_read", "ksyscall/openat", "uprobe", "uretprobe",
		"uprobe//bin/bash:readline", "uprobe/libc.so.6:malloc+0x10", "uprobe/x:0x1000",
		"perf_event", "iter/task", "xdp", "xdp/devmap", "tc", "tc/egress", "tcx/ingress",
		"cgroup_skb/ingress", "cgroup/connect4", "sockops", "socket1", "?uprobe", "bogus/x", "",
	} {
		f.Add(s, "libc.so.6:getaddrinfo")
	}
	f.Add("kprobe/foo", "vfs_read+8")
	f.Fuzz(func(t *testing.T, section, target string) {
		h, err := ParseSection(section)
		if err == nil && h.Section != strings.TrimPrefix(section, "?") {
			t.Errorf("ParseSection(%q).Section = %q", section, h.Section)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseSection(%q): a multi-line error: %q", section, err)
		}
		s, err := Retarget(section, target)
		if err != nil {
			return
		}
		h2, err := ParseSection(s)
		if err != nil {
			t.Fatalf("Retarget(%q, %q) = %q, which does not parse: %v", section, target, s, err)
		}
		prefix, _, _ := strings.Cut(strings.TrimPrefix(section, "?"), "/")
		if !strings.HasPrefix(s, prefix+"/") || kindOf[prefix] != h2.Kind {
			t.Errorf("Retarget(%q, %q) = %q, a %s hook; want the kind of %q", section, target, s, h2.Kind, prefix)
		}
	})
}
