package templates_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// TestTracepointTemplate builds the tracepoint project and checks the event
// of an exec the test makes itself: its path, parent, uid and caller name,
// with --targ_ppid keeping every other process's execs out; then the same
// with --targ_uid.
func TestTracepointTemplate(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "tracepoint", "execwatch")
	bpftest.NoLeaks(t, "handle_execve")
	prog, _ := uniqueProgram(t, "/bin/true", "nmexec")
	self := float64(os.Getpid())

	r := startRun(t, filepath.Join(dir, "package.json"), "--targ_ppid", fmt.Sprint(os.Getpid()))
	ev := r.waitFor(t, func() { exec.Command(prog).Run() },
		func(v map[string]any) bool { return num(v, "ppid") == self }, // the filter holds for every event
		func(v map[string]any) bool { return v["filename"] == prog })
	if num(ev, "pid") <= 0 || num(ev, "uid") != 0 {
		t.Errorf("event %v: want a pid and uid 0 (the test runs as root)", ev)
	}
	// The event is taken at syscall entry, before the exec replaces the
	// caller: comm is still the forked test binary's name.
	if want := truncate(filepath.Base(os.Args[0]), 15); ev["comm"] != want {
		t.Errorf("comm = %v, want the caller's %q", ev["comm"], want)
	}
	r.stop()

	// --targ_uid: exec as nobody. The event is taken at syscall entry, so it
	// comes even though nobody may not run a program in the test's 0700 dir.
	const nobody = 65534
	r = startRun(t, filepath.Join(dir, "package.json"), "--targ_uid", fmt.Sprint(nobody))
	asNobody := func() {
		cmd := exec.Command(prog)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		cmd.Run()
	}
	r.waitFor(t, asNobody,
		func(v map[string]any) bool { return num(v, "uid") == nobody }, // the filter holds for every event
		func(v map[string]any) bool { return v["filename"] == prog && num(v, "ppid") == self })
}

// TestRingbufTemplate runs a program that exits with status 1 and checks
// both records of its life: the exec with its path, then the exit with its
// code, name and a lifetime.
func TestRingbufTemplate(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "ringbuf", "lifecycle")
	bpftest.NoLeaks(t, "proc_exec", "proc_exit")
	prog, name := uniqueProgram(t, "/bin/false", "nmexit")

	r := startRun(t, filepath.Join(dir, "package.json"))
	execs := map[float64]bool{} // pids of the exec events of prog
	exit := r.waitFor(t, func() { exec.Command(prog).Run() },
		func(v map[string]any) bool {
			if v["exit_event"] == false && v["filename"] == prog {
				execs[num(v, "pid")] = true
			}
			return true
		},
		func(v map[string]any) bool {
			return v["exit_event"] == true && v["comm"] == name && execs[num(v, "pid")]
		})
	if num(exit, "exit_code") != 1 {
		t.Errorf("exit event %v: exit_code want 1 (/bin/false)", exit)
	}
	if num(exit, "duration_ns") <= 0 {
		t.Errorf("exit event %v: want a positive duration_ns since its exec", exit)
	}
	if exit["filename"] != "" {
		t.Errorf("exit event %v: filename should be empty for exits", exit)
	}
}

// TestHistogramTemplate sleeps 50 ms at a time in a process of a unique name
// and checks that nomia prints its histogram with those sleeps counted at
// 32768 usecs (or 32 msecs) or more: a sleep never ends early.
func TestHistogramTemplate(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "histogram", "syslat")
	prog, name := uniqueProgram(t, "/bin/sleep", "nmlat")
	for _, tc := range []struct {
		name  string
		flags []string
		unit  string
		slow  float64 // the least bucket a 50 ms sleep can land in
		only  bool    // every call counted is a sleep
	}{
		{"usecs", nil, "usecs", 32768, false},
		{"targ_ms", []string{"--targ_ms"}, "msecs", 32, false},
		// clock_nanosleep is system call 230 on x86-64.
		{"targ_syscall", []string{"--targ_syscall", "230"}, "usecs", 32768, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.only && runtime.GOARCH != "amd64" {
				t.Skip("the syscall number used is x86-64's")
			}
			bpftest.NoLeaks(t, "syscall_enter", "syscall_exit")
			args := append([]string{"--interval", "300ms", filepath.Join(dir, "package.json"), "--targ_comm", name}, tc.flags...)
			r := startRun(t, args...)
			h := r.waitFor(t, func() { exec.Command(prog, "0.05").Run() },
				func(v map[string]any) bool { return v["map"] == "hists" }, // the start map is bookkeeping, never printed
				func(v map[string]any) bool { return slowCalls(v, tc.slow) > 0 })
			if key, _ := h["key"].(map[string]any); key["comm"] != name {
				t.Errorf("histogram key %v: want comm %q only (--targ_comm)", h["key"], name)
			}
			if hist, _ := h["hist"].(map[string]any); hist["unit"] != tc.unit {
				t.Errorf("histogram unit %v, want %s", hist["unit"], tc.unit)
			}
			if all := slowCalls(h, 0); tc.only && all != slowCalls(h, tc.slow) {
				t.Errorf("histogram %v: %v calls counted, want only the %v sleeps", h, all, slowCalls(h, tc.slow))
			}
		})
	}

	t.Run("targ_pid", func(t *testing.T) {
		// A shell that waits 50 ms for input in a loop, under a unique name;
		// its pid is known before nomia starts.
		shell, comm := uniqueProgram(t, "/bin/bash", "nmpid")
		cmd := exec.Command(shell, "-c", "while :; do read -t 0.05 x; done")
		stdin, err := cmd.StdinPipe() // never written: every read times out
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Wait()
		defer cmd.Process.Kill()
		r := startRun(t, "--interval", "300ms", filepath.Join(dir, "package.json"), "--targ_pid", fmt.Sprint(cmd.Process.Pid))
		r.waitFor(t, func() {},
			func(v map[string]any) bool { // only that process is measured
				key, _ := v["key"].(map[string]any)
				return key["comm"] == comm
			},
			func(v map[string]any) bool { return slowCalls(v, 32768) > 0 })
	})
}

// slowCalls sums the counts of the histogram line v's buckets that start at
// low or above.
func slowCalls(v map[string]any, low float64) float64 {
	hist, _ := v["hist"].(map[string]any)
	buckets, _ := hist["buckets"].([]any)
	var n float64
	for _, b := range buckets {
		if b, ok := b.(map[string]any); ok && num(b, "low") >= low {
			n += num(b, "count")
		}
	}
	return n
}

// TestRingbufTemplateMinDuration checks --min_duration_ms: every event is the
// exit of a process that lived that long, and no exec is reported.
func TestRingbufTemplateMinDuration(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "ringbuf", "longlived")
	bpftest.NoLeaks(t, "proc_exec", "proc_exit")
	prog, name := uniqueProgram(t, "/bin/sleep", "nmlong")

	r := startRun(t, filepath.Join(dir, "package.json"), "--min_duration_ms", "20")
	exit := r.waitFor(t, func() { exec.Command(prog, "0.05").Run() },
		func(v map[string]any) bool { return v["exit_event"] == true && num(v, "duration_ns") >= 20e6 },
		func(v map[string]any) bool { return v["comm"] == name })
	if num(exit, "exit_code") != 0 || num(exit, "duration_ns") < 50e6 {
		t.Errorf("exit event %v: want exit_code 0 after at least the 50 ms sleep", exit)
	}
}
