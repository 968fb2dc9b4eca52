package load

import (
	"fmt"
	"syscall"
	"testing"
)

// A disabled program is neither loaded nor attached: nt_past, which the kernel
// refuses at attach, no longer fails the run.
func TestDisable(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_past")
	r := start(t, spec, Options{Disable: []string{"nt_past", "nt_past"}})
	if fmt.Sprint(r.Attached) != fmt.Sprint([]Program{{"nt_tp", "tp/syscalls/sys_enter_getpid"}}) {
		t.Errorf("attached %v", r.Attached)
	}
	if want := (Skipped{Name: "nt_past", Section: "tp/syscalls/sys_enter_getpid", Reason: "disabled"}); len(r.Skipped) != 1 || r.Skipped[0] != want {
		t.Errorf("skipped %+v, want %+v", r.Skipped, want)
	}
	if _, ok := r.Collection.Programs["nt_past"]; ok {
		t.Errorf("the disabled program is loaded")
	}
	syscall.Getpid()
	if got := count(t, r, slotTP); got != 1 {
		t.Errorf("tracepoint counted %d getpid calls, want 1", got)
	}
}

func TestDisableErrors(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_raw")
	wantStartError(t, spec, Options{Disable: []string{"nt_nope"}}, "load: cannot disable nt_nope: the object has no such program; its programs are nt_raw, nt_tp")
	wantStartError(t, spec, Options{Disable: []string{"nt_tp", "nt_raw"}}, "load: every program of the object is disabled: leave at least one to run")
	wantStartError(t, spec, Options{Disable: []string{"nt_*"}}, "load: every program of the object is disabled: leave at least one to run")
	wantStartError(t, spec, Options{Disable: []string{"*_nope"}}, "load: cannot disable *_nope: the object has no such program; its programs are nt_raw, nt_tp")
	wantStartError(t, spec, Options{Disable: []string{"nt_[x"}}, "load: cannot disable nt_[x: syntax error in pattern (a glob takes *, ? and [...])")
}

// A glob disables every program it matches, each noted once.
func TestDisableGlob(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_raw", "nt_past")
	r := start(t, spec, Options{Disable: []string{"nt_[pr]a*", "nt_past"}})
	var got []string
	for _, sk := range r.Skipped {
		got = append(got, sk.Name+"/"+sk.Reason)
	}
	if want := "[nt_past/disabled nt_raw/disabled]"; fmt.Sprint(got) != want {
		t.Errorf("skipped %v, want %s", got, want)
	}
	if fmt.Sprint(r.Attached) != fmt.Sprint([]Program{{"nt_tp", "tp/syscalls/sys_enter_getpid"}}) {
		t.Errorf("attached %v, want nt_tp only", r.Attached)
	}
}
