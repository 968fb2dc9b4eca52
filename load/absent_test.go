package load

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
)

// A program whose tracepoint does not exist is skipped with one note; the
// program next to it attaches and counts.
func TestMissingTracepointSkipped(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_missing_tp")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})
	want := "nomia: skipped nt_missing_tp (tp/syscalls/sys_enter_nomia_missing): tracepoint syscalls/sys_enter_nomia_missing does not exist on this kernel\n"
	if notes.String() != want {
		t.Errorf("notes:\n got %q\nwant %q", notes.String(), want)
	}
	if fmt.Sprint(r.Attached) != fmt.Sprint([]Program{{"nt_tp", "tp/syscalls/sys_enter_getpid"}}) {
		t.Errorf("attached %v", r.Attached)
	}
	if len(r.Skipped) != 1 || r.Skipped[0].Name != "nt_missing_tp" || r.Skipped[0].Using != (Program{}) {
		t.Errorf("skipped: %+v", r.Skipped)
	}
	if _, ok := r.Collection.Programs["nt_missing_tp"]; ok {
		t.Errorf("the skipped program is loaded")
	}
	syscall.Getpid()
	syscall.Getpid()
	if got := count(t, r, slotTP); got != 2 {
		t.Errorf("tracepoint counted %d getpid calls, want 2", got)
	}
}

// Twins of a kernel function that does not exist are skipped together, one
// note each, without trying to load the trampoline or probe.
func TestMissingFunctionTwinsSkipped(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_missing_fentry", "nt_missing_kprobe")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})
	reason := "kernel function nomia_missing_function does not exist on this kernel (not in /proc/kallsyms)"
	for _, line := range []string{
		"nomia: skipped nt_missing_fentry (fentry/nomia_missing_function): " + reason + "\n",
		"nomia: skipped nt_missing_kprobe (kprobe/nomia_missing_function): " + reason + "\n",
	} {
		if !strings.Contains(notes.String(), line) {
			t.Errorf("notes:\n%s\nlack %q", notes.String(), line)
		}
	}
	if n := strings.Count(notes.String(), "\n"); n != 2 {
		t.Errorf("%d note lines, want 2", n)
	}
	if len(r.Attached) != 1 || r.Attached[0].Name != "nt_tp" {
		t.Errorf("attached %v", r.Attached)
	}
}

// When every program's hook is missing, Start fails with one line naming them.
func TestOnlyMissingHooksFail(t *testing.T) {
	spec := twinsSpec(t, "nt_missing_tp")
	wantStartError(t, spec, Options{}, "load: no program can attach, their hooks do not exist on this kernel: program nt_missing_tp (tp/syscalls/sys_enter_nomia_missing): tracepoint syscalls/sys_enter_nomia_missing does not exist on this kernel")
}

// wantStartError checks that Start fails with exactly the error want.
func wantStartError(t *testing.T, spec *ebpf.CollectionSpec, opts Options, want string) {
	t.Helper()
	r, err := Start(spec, opts)
	if err == nil {
		r.Close()
		t.Errorf("Start succeeded, want error %s", want)
		return
	}
	if err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

func TestSummarize(t *testing.T) {
	if got := summarize([]string{"a", "b", "c", "d", "e"}, 3, "; "); got != "a; b; c; and 2 more" {
		t.Errorf("summarize: %q", got)
	}
	if got := summarize([]string{"a"}, 3, "; "); got != "a" {
		t.Errorf("summarize: %q", got)
	}
}

// absent answers from tracefs, the kernel's BTF and /proc/kallsyms, and only
// for kernel hooks.
func TestAbsent(t *testing.T) {
	k := &kernelHooks{}
	for _, c := range []struct{ section, want string }{
		{"tp/syscalls/sys_enter_getpid", ""},
		{"tp/syscalls/sys_enter_nomia_missing", "tracepoint syscalls/sys_enter_nomia_missing does not exist on this kernel"},
		{"raw_tp/sched_switch", ""},
		{"tp_btf/nomia_missing", "tracepoint nomia_missing does not exist on this kernel"},
		{"fentry/do_unlinkat", ""},
		{"kretprobe/do_unlinkat", ""},
		{"kprobe/nomia_missing_function", "kernel function nomia_missing_function does not exist on this kernel (not in /proc/kallsyms)"},
		{"uprobe/bin/nomia_missing:main", ""},
		{"xdp", ""},
	} {
		h, err := attach.ParseSection(c.section)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.absent(h); got != c.want {
			t.Errorf("%s: %q, want %q", c.section, got, c.want)
		}
	}
}
