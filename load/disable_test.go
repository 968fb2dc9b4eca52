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
}
