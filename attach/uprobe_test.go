package attach

import (
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildTarget compiles testdata/target.c with gcc into a temporary directory.
func buildTarget(t *testing.T) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc is not installed")
	}
	bin := filepath.Join(t.TempDir(), "target")
	if out, err := exec.Command(gcc, "-O1", "-o", bin, "testdata/target.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// runTarget runs the target binary, making n calls of nt_target_fn.
func runTarget(t *testing.T, bin string, n string) {
	t.Helper()
	if out, err := exec.Command(bin, n).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, n, err, out)
	}
}

func TestUprobeAndUretprobe(t *testing.T) {
	bin := buildTarget(t)
	define := `TARGET="` + bin + `"`
	for _, c := range []struct {
		prog string
		slot uint32
	}{{"nt_uprobe", 0}, {"nt_uretprobe", 1}} {
		t.Run(c.prog, func(t *testing.T) {
			coll, p, ps := loadOne(t, "uprobe.bpf.c", c.prog, nil, define)
			a := mustAttach(t, p, ps, Target{})
			runTarget(t, bin, "5")
			if got := waitCount(t, coll, c.slot, 5); got != 5 {
				t.Errorf("%s counted %d calls, want 5", ps.SectionName, got)
			}
			closeErr(t, a)
			runTarget(t, bin, "2")
			if got := count(t, coll, c.slot); got != 5 {
				t.Errorf("still counting after Close: %d", got)
			}
		})
	}
}

// A bare "uprobe/SYMBOL" takes its binary from Target.Binary; Target.PID limits
// it to one process: a second process running the same binary is not counted.
func TestUprobeBinaryAndPID(t *testing.T) {
	bin := buildTarget(t)
	coll, p, ps := loadOne(t, "uprobe.bpf.c", "nt_uprobe_bare", nil, `TARGET="`+bin+`"`)

	traced, tracedIn := startWaiting(t, bin, "3")
	other, otherIn := startWaiting(t, bin, "4")
	mustAttach(t, p, ps, Target{Binary: bin, PID: traced.Process.Pid})
	for _, w := range []io.WriteCloser{tracedIn, otherIn} {
		w.Write([]byte("go\n"))
		w.Close()
	}
	for _, c := range []*exec.Cmd{traced, other} {
		if err := c.Wait(); err != nil {
			t.Fatalf("target: %v", err)
		}
	}
	if got := waitCount(t, coll, 2, 3); got != 3 {
		t.Errorf("counted %d calls, want the traced process's 3 only", got)
	}
}

// startWaiting starts the target so that it waits for a line on stdin before
// making its calls.
func startWaiting(t *testing.T, bin, n string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(bin, n, "wait")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, in
}

func TestUprobeMissingTargets(t *testing.T) {
	bin := buildTarget(t)
	_, p, ps := loadOne(t, "uprobe.bpf.c", "nt_uprobe_bare", nil, `TARGET="`+bin+`"`)
	for _, c := range []struct {
		target Target
		want   string
	}{
		{Target{}, "program nt_uprobe_bare (uprobe/nt_target_fn): the section names no binary for function nt_target_fn: pass --binary PATH"},
		{Target{Binary: "/nonexistent/bin"}, "program nt_uprobe_bare (uprobe/nt_target_fn): uprobe target: stat /nonexistent/bin: no such file or directory"},
		{Target{Binary: "/bin/true:"}, "program nt_uprobe_bare (uprobe/nt_target_fn): symbol nt_target_fn not found in /bin/true (check `nm -D /bin/true`)"},
	} {
		a, err := Program(p, ps, c.target)
		if err == nil {
			a.Close()
			t.Errorf("%+v: attached", c.target)
			continue
		}
		if err.Error() != c.want || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v:\n got %v\nwant %s", c.target, err, c.want)
		}
	}
}

// A bare "uprobe" section takes binary and function from Target.Binary.
func TestBareUprobeSection(t *testing.T) {
	bin := buildTarget(t)
	coll, p, ps := loadOne(t, "uprobe.bpf.c", "nt_uprobe_bare", nil, `TARGET="`+bin+`"`)
	ps.SectionName = "uprobe"
	_, err := Program(p, ps, Target{})
	if want := "program nt_uprobe_bare (uprobe): the section names no binary or function: pass --attach nt_uprobe_bare=PATH:SYMBOL (or --binary PATH:SYMBOL for every such program)"; err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	_, err = Program(p, ps, Target{Binary: bin})
	if want := "program nt_uprobe_bare (uprobe): the section names no function in " + bin + ": pass --binary " + bin + ":SYMBOL"; err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	mustAttach(t, p, ps, Target{Binary: bin + ":nt_target_fn"})
	runTarget(t, bin, "2")
	if got := waitCount(t, coll, 2, 2); got != 2 {
		t.Errorf("counted %d calls, want 2", got)
	}
}
