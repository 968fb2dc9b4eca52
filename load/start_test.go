package load

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"nomia.dev/nomia/attach"
)

// Slots of testdata/twins.bpf.c.
const (
	slotBtfBad = iota
	slotRaw
	slotGoodBtf
	slotGoodRaw
	slotTP
)

// A tp_btf twin the verifier rejects falls back to its raw_tp twin, with a note.
func TestTwinFallsBackToRawTp(t *testing.T) {
	spec := twinsSpec(t, "nt_btf_bad", "nt_raw")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})

	if want := []Program{{"nt_raw", "raw_tp/sched_switch"}}; fmt.Sprint(r.Attached) != fmt.Sprint(want) {
		t.Errorf("attached %v, want %v", r.Attached, want)
	}
	if _, ok := r.Collection.Programs["nt_btf_bad"]; ok {
		t.Errorf("the rejected twin is still in the collection")
	}
	t.Logf("note: %s", notes.String())
	prefix := "nomia: nt_raw: using raw_tp/sched_switch; skipped tp_btf/sched_switch (nt_btf_bad: the verifier rejected it: "
	if n := notes.String(); !strings.HasPrefix(n, prefix) || strings.Count(n, "\n") != 1 || !strings.HasSuffix(n, ")\n") {
		t.Errorf("notes:\n%s\nwant one line starting %q", n, prefix)
	}
	if len(r.Skipped) != 1 || r.Skipped[0].Name != "nt_btf_bad" || r.Skipped[0].Using.Name != "nt_raw" {
		t.Errorf("skipped: %+v", r.Skipped)
	}
	time.Sleep(50 * time.Millisecond) // the CPUs switch tasks meanwhile
	if count(t, r, slotRaw) == 0 {
		t.Errorf("raw_tp/sched_switch never ran")
	}
}

// When the preferred twin works, the others are closed and noted as not needed.
func TestPreferredTwinWins(t *testing.T) {
	spec := twinsSpec(t, "nt_good_raw", "nt_good_btf")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})
	if want := "nomia: nt_good_btf: using tp_btf/sched_wakeup; skipped raw_tp/sched_wakeup (nt_good_raw: not needed)\n"; notes.String() != want {
		t.Errorf("notes:\n got %q\nwant %q", notes.String(), want)
	}
	if _, ok := r.Collection.Programs["nt_good_raw"]; ok {
		t.Errorf("the unneeded twin is still loaded")
	}
	time.Sleep(50 * time.Millisecond)
	if count(t, r, slotGoodBtf) == 0 || count(t, r, slotGoodRaw) != 0 {
		t.Errorf("tp_btf ran %d times, raw_tp %d times; want tp_btf only", count(t, r, slotGoodBtf), count(t, r, slotGoodRaw))
	}
}

// fentry refused at load and kprobe refused at attach: one line naming both.
func TestNoTwinLeft(t *testing.T) {
	spec := twinsSpec(t, "nt_fentry", "nt_kprobe")
	r, err := Start(spec, Options{})
	if err == nil {
		r.Close()
		t.Skip("this kernel accepts fentry or kprobe")
	}
	want := "program nt_fentry (fentry/do_unlinkat): the kernel refuses BPF trampoline programs (fentry/fexit/fmod_ret/lsm): operation not permitted; " +
		"program nt_kprobe (kprobe/do_unlinkat): kprobes are not available on this kernel (no /sys/kernel/tracing/kprobe_events; needs CONFIG_KPROBE_EVENTS); no twin left"
	if err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

// A lone trampoline program: the error replaces cilium/ebpf's memlock hint.
func TestTrampolineRefused(t *testing.T) {
	spec := twinsSpec(t, "nt_fentry")
	r, err := Start(spec, Options{})
	if err == nil {
		r.Close()
		t.Skip("this kernel accepts fentry")
	}
	want := "program nt_fentry (fentry/do_unlinkat): the kernel refuses BPF trampoline programs (fentry/fexit/fmod_ret/lsm): operation not permitted"
	if err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

// One program refused at attach: Start fails and the program that did attach
// is detached and unloaded (checked by the leak check of twinsSpec).
func TestAllOrNothing(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_past", "nt_raw")
	_, err := Start(spec, Options{})
	if err == nil {
		t.Skip("this kernel attaches tracepoint programs reading past the record")
	}
	t.Logf("error: %v", err)
	if !strings.HasPrefix(err.Error(), "program nt_past (tp/syscalls/sys_enter_getpid): the kernel refused to attach it") {
		t.Errorf("error: %v", err)
	}
}

func TestUnknownSection(t *testing.T) {
	spec := twinsSpec(t, "nt_tp")
	spec.Programs["nt_tp"].SectionName = "bogus/x"
	_, err := Start(spec, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), `program nt_tp: section "bogus/x" is not a hook nomia can attach; supported: tracepoint/tp, `) {
		t.Errorf("error: %v", err)
	}
}

// Programs of several kinds attach together, an iterator is readable, events
// are counted, and Close detaches everything (twice is harmless).
func TestStartAndClose(t *testing.T) {
	spec := twinsSpec(t, "nt_tp", "nt_raw", "nt_iter")
	r, err := Start(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Attached) != 3 || len(r.Skipped) != 0 {
		t.Errorf("attached %v, skipped %v", r.Attached, r.Skipped)
	}
	for range 4 {
		syscall.Getpid()
	}
	if got := count(t, r, slotTP); got != 4 {
		t.Errorf("tracepoint counted %d getpid calls, want 4", got)
	}
	it := r.Iters()["nt_iter"]
	if it == nil {
		t.Fatalf("no iterator nt_iter in %v", r.Iters())
	}
	out, err := it.Read()
	if want := fmt.Sprintf("self %d\n", os.Getpid()); err != nil || string(out) != want {
		t.Errorf("iterator: %q, %v; want %q", out, err, want)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestEmptySpec(t *testing.T) {
	spec := twinsSpec(t)
	if _, err := Start(spec, Options{Target: attach.Target{}}); err == nil || err.Error() != `load: the object has no programs to run: put each BPF entry point in a section naming its hook, e.g. SEC("tp/syscalls/sys_enter_openat")` {
		t.Errorf("error: %v", err)
	}
}

// A twin that loads but fails to attach gives way to the next flavour, which is
// already loaded.
func TestTwinFallbackAtAttach(t *testing.T) {
	spec := twinsSpec(t, "nt_raw_getpid", "nt_tp")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})
	t.Logf("note: %s", notes.String())
	if want := []Program{{"nt_tp", "tp/syscalls/sys_enter_getpid"}}; fmt.Sprint(r.Attached) != fmt.Sprint(want) {
		t.Errorf("attached %v, want %v", r.Attached, want)
	}
	prefix := "nomia: nt_tp: using tp/syscalls/sys_enter_getpid; skipped raw_tp/sys_enter_getpid (nt_raw_getpid: "
	if n := notes.String(); !strings.HasPrefix(n, prefix) || strings.Count(n, "\n") != 1 {
		t.Errorf("notes:\n%s\nwant one line starting %q", n, prefix)
	}
	if _, ok := r.Collection.Programs["nt_raw_getpid"]; ok {
		t.Errorf("the twin that failed to attach is still loaded")
	}
	syscall.Getpid()
	if got := count(t, r, slotTP); got != 1 {
		t.Errorf("tracepoint counted %d getpid calls, want 1", got)
	}
}
