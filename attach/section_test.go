package attach

import (
	"strings"
	"testing"
)

func TestParseSection(t *testing.T) {
	for _, c := range []struct {
		section string
		want    Hook
	}{
		{"tracepoint/syscalls/sys_enter_openat", Hook{Kind: "tracepoint", Target: "syscalls/sys_enter_openat", Group: "syscalls", Name: "sys_enter_openat", Twin: "tp:sys_enter_openat"}},
		{"tp/sched/sched_switch", Hook{Kind: "tracepoint", Target: "sched/sched_switch", Group: "sched", Name: "sched_switch", Twin: "tp:sched_switch"}},
		{"raw_tp/sched_switch", Hook{Kind: "raw_tp", Target: "sched_switch", Name: "sched_switch", Twin: "tp:sched_switch"}},
		{"raw_tracepoint/sys_enter", Hook{Kind: "raw_tp", Target: "sys_enter", Name: "sys_enter", Twin: "tp:sys_enter"}},
		{"tp_btf/sched_switch", Hook{Kind: "tp_btf", Target: "sched_switch", Name: "sched_switch", Twin: "tp:sched_switch"}},
		{"fentry/do_unlinkat", Hook{Kind: "fentry", Target: "do_unlinkat", Name: "do_unlinkat", Twin: "entry:do_unlinkat"}},
		{"fexit/do_unlinkat", Hook{Kind: "fexit", Target: "do_unlinkat", Name: "do_unlinkat", Twin: "exit:do_unlinkat"}},
		{"fmod_ret/security_file_open", Hook{Kind: "fmod_ret", Target: "security_file_open", Name: "security_file_open"}},
		{"lsm/file_open", Hook{Kind: "lsm", Target: "file_open", Name: "file_open"}},
		{"lsm.s/bprm_committed_creds", Hook{Kind: "lsm", Target: "bprm_committed_creds", Name: "bprm_committed_creds", Sleepable: true}},
		{"kprobe/do_unlinkat", Hook{Kind: "kprobe", Target: "do_unlinkat", Symbol: "do_unlinkat", Twin: "entry:do_unlinkat"}},
		{"kprobe/do_unlinkat+0x10", Hook{Kind: "kprobe", Target: "do_unlinkat+0x10", Symbol: "do_unlinkat", Offset: 16}},
		{"kretprobe/do_unlinkat", Hook{Kind: "kretprobe", Target: "do_unlinkat", Symbol: "do_unlinkat", Twin: "exit:do_unlinkat"}},
		{"ksyscall/openat", Hook{Kind: "ksyscall", Target: "openat", Symbol: "openat"}},
		{"uprobe//bin/bash:readline", Hook{Kind: "uprobe", Target: "/bin/bash:readline", Path: "/bin/bash", Symbol: "readline"}},
		{"uretprobe/libc.so.6:malloc+4", Hook{Kind: "uretprobe", Target: "libc.so.6:malloc+4", Path: "libc.so.6", Symbol: "malloc", Offset: 4}},
		{"uprobe//bin/true:0x1040", Hook{Kind: "uprobe", Target: "/bin/true:0x1040", Path: "/bin/true", Offset: 0x1040}},
		{"uprobe/readline", Hook{Kind: "uprobe", Target: "readline", Symbol: "readline"}},
		{"uprobe.s", Hook{Kind: "uprobe", Sleepable: true}},
		{"perf_event", Hook{Kind: "perf_event"}},
		{"iter/task", Hook{Kind: "iter", Target: "task", Name: "task"}},
		{"xdp", Hook{Kind: "xdp"}},
		{"xdp.frags", Hook{Kind: "xdp"}},
		{"tc", Hook{Kind: "tc", Target: "ingress"}},
		{"classifier", Hook{Kind: "tc", Target: "ingress"}},
		{"tc/egress", Hook{Kind: "tc", Target: "egress"}},
		{"tcx/ingress", Hook{Kind: "tcx", Target: "ingress"}},
		{"cgroup_skb/egress", Hook{Kind: "cgroup", Target: "skb/egress"}},
		{"cgroup/connect4", Hook{Kind: "cgroup", Target: "connect4"}},
		{"sockops", Hook{Kind: "cgroup", Target: "sock_ops"}},
		{"socket", Hook{Kind: "socket"}},
		{"socket1", Hook{Kind: "socket"}},
		{"?tp/sched/sched_wakeup", Hook{Kind: "tracepoint", Target: "sched/sched_wakeup", Group: "sched", Name: "sched_wakeup", Twin: "tp:sched_wakeup"}},
	} {
		got, err := ParseSection(c.section)
		if err != nil {
			t.Errorf("ParseSection(%q): %v", c.section, err)
			continue
		}
		c.want.Section = strings.TrimPrefix(c.section, "?")
		if got != c.want {
			t.Errorf("ParseSection(%q)\n got %+v\nwant %+v", c.section, got, c.want)
		}
	}
}

func TestParseSectionErrors(t *testing.T) {
	for section, want := range map[string]string{
		"struct_ops/foo":        `section "struct_ops/foo" is not a hook nomia can attach; supported: ` + families,
		".text":                 `section ".text" is not a hook nomia can attach; supported: ` + families,
		"tracepoint/openat":     `section "tracepoint/openat": expected tracepoint/CATEGORY/NAME, e.g. tracepoint/syscalls/sys_enter_openat`,
		"raw_tp":                `section "raw_tp": expected raw_tp/TRACEPOINT, e.g. raw_tp/sched_switch`,
		"kprobe/f+x":            `section "kprobe/f+x": expected kprobe/FUNCTION[+OFFSET]`,
		"tcx":                   `section "tcx": expected tcx/ingress or tcx/egress`,
		"cgroup/skb":            `section "cgroup/skb": expected cgroup/ATTACH_POINT with an attach type, e.g. cgroup/connect4 or cgroup_skb/ingress`,
		"xdp/devmap":            `section "xdp/devmap": programs for devmap entries are attached through the map, not to an interface`,
		"uprobe/:sym":           `section "uprobe/:sym": expected uprobe/PATH:SYMBOL[+OFFSET] or uprobe/SYMBOL`,
		"fentry":                `section "fentry": expected fentry/NAME`,
		"cgroup_skb/sideways":   `section "cgroup_skb/sideways": expected cgroup_skb/ingress or cgroup_skb/egress`,
		"tc/sideways":           `section "tc/sideways": expected tc, tc/ingress or tc/egress`,
		"tracepoint/a/b/c":      `section "tracepoint/a/b/c": expected tracepoint/CATEGORY/NAME, e.g. tracepoint/syscalls/sys_enter_openat`,
		"uretprobe//bin/x:0xzz": `section "uretprobe//bin/x:0xzz": expected uretprobe/PATH:SYMBOL[+OFFSET] or uretprobe/SYMBOL`,
	} {
		_, err := ParseSection(section)
		if err == nil || err.Error() != want {
			t.Errorf("ParseSection(%q) = %v\nwant %s", section, err, want)
		}
	}
}

func TestTwinKeysPairFlavours(t *testing.T) {
	for _, pair := range [][2]string{
		{"fentry/vfs_read", "kprobe/vfs_read"},
		{"fexit/vfs_read", "kretprobe/vfs_read"},
		{"tp_btf/sched_wakeup", "raw_tp/sched_wakeup"},
		{"raw_tracepoint/sched_wakeup", "tp/sched/sched_wakeup"},
	} {
		a, errA := ParseSection(pair[0])
		b, errB := ParseSection(pair[1])
		if errA != nil || errB != nil || a.Twin == "" || a.Twin != b.Twin {
			t.Errorf("%s and %s: twins %q and %q (errors %v, %v)", pair[0], pair[1], a.Twin, b.Twin, errA, errB)
		}
	}
	if a, _ := ParseSection("fentry/vfs_read"); a.Twin == "" || func() bool { b, _ := ParseSection("fexit/vfs_read"); return b.Twin == a.Twin }() {
		t.Errorf("fentry and fexit of one function must not be twins")
	}
}

func TestRetarget(t *testing.T) {
	for _, c := range []struct{ section, target, want, err string }{
		{"uprobe", "libc.so.6:getaddrinfo", "uprobe/libc.so.6:getaddrinfo", ""},
		{"uretprobe", "/bin/bash:readline+4", "uretprobe//bin/bash:readline+4", ""},
		{"uprobe.s/old:fn", "/usr/bin/x:0x1000", "uprobe.s//usr/bin/x:0x1000", ""},
		{"?uprobe", "malloc", "uprobe/malloc", ""},
		{"kprobe/foo", "vfs_read", "kprobe/vfs_read", ""},
		{"kretprobe/dummy", "do_unlinkat+8", "kretprobe/do_unlinkat+8", ""},
		{"fentry/dummy_fentry", "vfs_read", "", `section "fentry/dummy_fentry": only uprobe, uretprobe, kprobe and kretprobe programs take a target when attached`},
		{"tp/syscalls/sys_enter_openat", "x", "", `section "tp/syscalls/sys_enter_openat": only uprobe`},
		{"uprobe", "", "", `section "uprobe": empty target`},
		{"uprobe", "libc.so.6:", "", `section "uprobe/libc.so.6:": expected uprobe/PATH:SYMBOL[+OFFSET] or uprobe/SYMBOL`},
		{"kprobe/foo", "vfs_read+x", "", `section "kprobe/vfs_read+x": expected kprobe/FUNCTION[+OFFSET]`},
	} {
		got, err := Retarget(c.section, c.target)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("Retarget(%q, %q) = %q, %v; want %q", c.section, c.target, got, err, c.want)
		case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
			t.Errorf("Retarget(%q, %q) = %q, %v; want error %q", c.section, c.target, got, err, c.err)
		}
	}
}

func TestNeedsTarget(t *testing.T) {
	for section, want := range map[string]bool{
		"uprobe": true, "uretprobe": true, "uprobe//bin/bash:readline": false,
		"uprobe/readline": false, "uprobe/x:0x10": false, "kprobe/foo": false, "tp/a/b": false,
	} {
		h, err := ParseSection(section)
		if err != nil {
			t.Fatal(err)
		}
		if h.NeedsTarget() != want {
			t.Errorf("%q: NeedsTarget() = %v, want %v", section, !want, want)
		}
	}
}
