package load

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/internal/bpftest"
)

// bareSpec compiles testdata/bare.bpf.c, keeping only the named programs, and
// builds testdata/calls.c, the binary its probes are pointed at.
func bareSpec(t *testing.T, keep ...string) (*ebpf.CollectionSpec, string) {
	t.Helper()
	spec := bpftest.Compile(t, "testdata/bare.bpf.c")
	bpftest.NoLeaks(t, "nt_entry", "nt_return", "nt_dummy_fentry", "nt_getpid")
	for name := range spec.Programs {
		if !slices.Contains(keep, name) {
			delete(spec.Programs, name)
		}
	}
	bin := filepath.Join(t.TempDir(), "calls")
	if out, err := exec.Command(bpftest.Clang(), "-O1", "-o", bin, "testdata/calls.c").CombinedOutput(); err != nil {
		t.Fatalf("clang testdata/calls.c: %v\n%s", err, out)
	}
	return spec, bin
}

// One program with several targets is attached to each: every call of
// either function is counted, entry and return, and the spec given to Start
// keeps its sections.
func TestAttachTargets(t *testing.T) {
	spec, bin := bareSpec(t, "nt_entry", "nt_return")
	r := start(t, spec, Options{Attach: map[string][]string{
		"nt_entry":  {bin + ":nt_one", bin + ":nt_two"},
		"nt_return": {bin + ":nt_two"},
	}})
	want := fmt.Sprint([]Program{
		{"nt_entry", "uprobe/" + bin + ":nt_one"},
		{"nt_entry", "uprobe/" + bin + ":nt_two"},
		{"nt_return", "uretprobe/" + bin + ":nt_two"},
	})
	if got := fmt.Sprint(r.Attached); got != want {
		t.Errorf("attached %s, want %s", got, want)
	}
	if s := spec.Programs["nt_entry"].SectionName; s != "uprobe" {
		t.Errorf("Start changed the caller's spec: nt_entry's section is %q", s)
	}
	if out, err := exec.Command(bin, "3", "2").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	deadline := time.Now().Add(2 * time.Second)
	for (count(t, r, 0) != 5 || count(t, r, 1) != 2) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if e, x := count(t, r, 0), count(t, r, 1); e != 5 || x != 2 {
		t.Errorf("counted %d entries and %d returns, want 5 (nt_one 3, nt_two 2) and 2 (nt_two)", e, x)
	}
}

// Bad targets are one-line errors, and nothing stays loaded or attached (the
// leak check of bareSpec): a missing second target undoes the first.
func TestAttachTargetErrors(t *testing.T) {
	spec, bin := bareSpec(t, "nt_entry", "nt_return", "nt_dummy_fentry")
	for name, c := range map[string]struct {
		opts Options
		want string
	}{
		"no program": {Options{Attach: map[string][]string{"nt_nope": {"x:y"}}},
			"load: cannot attach nt_nope: the object has no such program; its programs are nt_dummy_fentry, nt_entry, nt_return"},
		"disabled too": {Options{Disable: []string{"nt_entry"}, Attach: map[string][]string{"nt_entry": {bin + ":nt_one"}}},
			"load: program nt_entry is both disabled and given targets to attach to: drop one of the two"},
		"fixed at load": {Options{Attach: map[string][]string{"nt_dummy_fentry": {"vfs_read"}}},
			`program nt_dummy_fentry: section "fentry/dummy_fentry": only uprobe, uretprobe, kprobe and kretprobe programs take a target when attached`},
		"missing symbol": {Options{Attach: map[string][]string{"nt_entry": {bin + ":nt_one", bin + ":nt_three"}}},
			"program nt_entry (uprobe/" + bin + ":nt_three): symbol nt_three not found in " + bin + " (check `nm -D " + bin + "`)"},
	} {
		t.Run(name, func(t *testing.T) { wantStartError(t, spec, c.opts, c.want) })
	}
}

// Probes whose sections name no function are left unattached (and unloaded),
// as libbpf's skeleton leaves them, with one note, while another program runs.
func TestUntargetedLeftOut(t *testing.T) {
	spec, bin := bareSpec(t, "nt_entry", "nt_return", "nt_getpid")
	var notes strings.Builder
	r := start(t, spec, Options{Notes: &notes})
	if want := fmt.Sprint([]Program{{"nt_getpid", "tp/syscalls/sys_enter_getpid"}}); fmt.Sprint(r.Attached) != want {
		t.Errorf("attached %v, want %s", r.Attached, want)
	}
	if _, loaded := r.Collection.Programs["nt_entry"]; loaded {
		t.Errorf("nt_entry was loaded; nothing can run it")
	}
	want := "nomia: left 2 uprobe program(s) unattached, their sections name no function, as libbpf does (attach one with --attach PROG=PATH:SYMBOL): nt_entry, nt_return\n"
	if notes.String() != want {
		t.Errorf("notes:\n got %q\nwant %q", notes.String(), want)
	}
	if len(r.Skipped) != 2 || r.Skipped[0].Name != "nt_entry" || r.Skipped[0].Reason != untargetedReason {
		t.Errorf("skipped: %+v", r.Skipped)
	}

	// A target for one of them attaches it; the other stays out.
	r2 := start(t, spec, Options{Attach: map[string][]string{"nt_return": {bin + ":nt_one"}}})
	if len(r2.Attached) != 2 || len(r2.Skipped) != 1 || r2.Skipped[0].Name != "nt_entry" {
		t.Errorf("with --attach nt_return: attached %v, skipped %+v", r2.Attached, r2.Skipped)
	}
	// So does --binary PATH:SYMBOL, for both.
	r3 := start(t, spec, Options{Target: attach.Target{Binary: bin + ":nt_two"}})
	if len(r3.Attached) != 3 || len(r3.Skipped) != 0 {
		t.Errorf("with --binary: attached %v, skipped %+v", r3.Attached, r3.Skipped)
	}
}

// When the bare probes are all there is, the run fails and says what to give.
func TestOnlyUntargeted(t *testing.T) {
	spec, _ := bareSpec(t, "nt_entry")
	wantStartError(t, spec, Options{}, "program nt_entry (uprobe): the section names no binary or function: pass --attach nt_entry=PATH:SYMBOL (or --binary PATH:SYMBOL for every such program)")
}
