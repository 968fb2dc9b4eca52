package examples_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Each run gets this --duration as a safety cap; tests stop it long before.
const runCap = "60s"

// seenWithin bounds the wait for an expected event, attach time included.
const seenWithin = 20 * time.Second

var self = os.Getpid()

// unique makes paths and arguments no earlier or parallel run can produce.
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, self, time.Now().UnixNano())
}

// children runs workload processes and remembers their pids, so a test
// matches only events its own workload caused.
type children struct {
	mu   sync.Mutex
	pids map[int64]bool
}

// run executes name with args to completion and returns its stdout.
func (c *children) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	c.add(cmd.Process.Pid)
	if err := cmd.Wait(); err != nil {
		t.Errorf("%s %v: %v", name, args, err)
	}
	return out.String()
}

func (c *children) add(pid int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pids == nil {
		c.pids = map[int64]bool{}
	}
	c.pids[int64(pid)] = true
}

// has reports whether the event's integer field at path is one of our pids.
func (c *children) has(ev event, path string) bool {
	pid, ok := ev.int(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	return ok && c.pids[pid]
}

// openClose opens path with flags through openat(2) exactly as given.
func openClose(path string, flags int) {
	if fd, err := unix.Openat(unix.AT_FDCWD, path, flags, 0); err == nil {
		unix.Close(fd)
	}
}

func TestOpensnoop(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "opensnoop")
	present := filepath.Join(t.TempDir(), unique("present"))
	if err := os.WriteFile(present, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := present + "-missing"
	flags := unix.O_RDONLY | unix.O_CLOEXEC
	poke := func() { openClose(present, flags); openClose(missing, flags) }

	r := startRun(t, 2, "-j", "--duration", runCap, pkg, "--targ_pid", strconv.Itoa(self))
	ok := r.waitEvent(seenWithin, poke, func(ev event) bool { return ev.str("fname") == present })
	expect(t, ok, map[string]any{"pid": self, "uid": 0, "flags": flags | unix.O_LARGEFILE, "comm": selfComm(t)})
	if ret, _ := ok.int("ret"); ret < 0 {
		t.Errorf("ret = %d opening an existing file, want a file descriptor", ret)
	}
	failed := r.waitEvent(seenWithin, poke, func(ev event) bool { return ev.str("fname") == missing })
	expect(t, failed, map[string]any{"pid": self, "ret": -int(unix.ENOENT), "flags": flags | unix.O_LARGEFILE})
	r.stop()
}

// TestOpensnoopUID runs a child as nobody: --targ_uid picks it out, and its
// open fails because the test's temp dir is private to root.
func TestOpensnoopUID(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "opensnoop")
	const nobody = 65534
	private := filepath.Join(t.TempDir(), unique("private"))
	var kids children
	poke := func() {
		cmd := exec.Command("cat", private)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting cat as uid %d: %v", nobody, err)
		}
		kids.add(cmd.Process.Pid)
		cmd.Wait() // fails: cat cannot open the file
	}
	r := startRun(t, 2, "-j", "--duration", runCap, pkg, "--targ_uid", strconv.Itoa(nobody))
	ev := r.waitEvent(seenWithin, poke, func(ev event) bool {
		if !ev.is("uid", nobody) {
			t.Errorf("--targ_uid %d let through an event of uid %v", nobody, ev["uid"])
		}
		return ev.str("fname") == private
	})
	if !kids.has(ev, "pid") {
		t.Errorf("pid %v is not one of the cat processes the test started", ev["pid"])
	}
	expect(t, ev, map[string]any{"ret": -int(unix.EACCES), "comm": "cat"})
	r.stop()
}

// TestOpensnoopTable checks the default table output and the only_failed
// filter: the header is exact, a row carries the values, and the successful
// open never shows up.
func TestOpensnoopTable(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "opensnoop")
	present := filepath.Join(t.TempDir(), unique("present"))
	if err := os.WriteFile(present, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := present + "-missing"
	poke := func() { openClose(present, unix.O_RDONLY); openClose(missing, unix.O_RDONLY) }

	r := startRun(t, 2, "--duration", runCap, pkg, "--targ_pid", strconv.Itoa(self), "--only_failed")
	header := r.waitLine(seenWithin, poke, func(line string) bool { return strings.HasPrefix(line, "TIME") })
	if got, want := strings.Join(strings.Fields(header), " "), "TIME PID UID RET FLAGS COMM FNAME"; got != want {
		t.Errorf("header %q, want the fields %q", header, want)
	}
	row := r.waitLine(seenWithin, poke, func(line string) bool {
		if strings.HasSuffix(line, " "+present) {
			t.Errorf("--only_failed printed a successful open: %q", line)
		}
		return strings.HasSuffix(line, " "+missing)
	})
	// TIME may hold spaces, so the columns are counted from the end.
	f := strings.Fields(row)
	if len(f) < 7 {
		t.Fatalf("row %q has %d fields, want at least 7", row, len(f))
	}
	got := f[len(f)-6:]
	want := []string{strconv.Itoa(self), "0", strconv.Itoa(-int(unix.ENOENT)), strconv.Itoa(unix.O_RDONLY | unix.O_LARGEFILE), selfComm(t), missing}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("row %q: columns PID..FNAME = %q, want %q", row, got, want)
	}
	r.stop()
}

func TestExecsnoop(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "execsnoop")
	arg := unique("nomia-exec")
	var kids children

	r := startRun(t, 2, "-j", "--duration", runCap, pkg, "--targ_ppid", strconv.Itoa(self), "--ignore_failed=false")
	cmdline := "/bin/echo " + arg
	ev := r.waitEvent(seenWithin, func() { kids.run(t, "/bin/echo", arg) },
		func(ev event) bool { return ev.str("args") == cmdline })
	if !kids.has(ev, "pid") {
		t.Errorf("pid %v is not one of the echo processes the test started", ev["pid"])
	}
	// args_size counts the NUL: the record carried exactly the used bytes.
	expect(t, ev, map[string]any{"ppid": self, "uid": 0, "retval": 0, "args_count": 2,
		"args_size": len(cmdline) + 1, "comm": "echo"})

	// A failed exec is reported too with --ignore_failed=false; the comm is
	// still the parent's, since the exec never replaced it.
	missing := "/" + unique("nomia-no-such-program")
	ev = r.waitEvent(seenWithin, func() { exec.Command(missing).Run() },
		func(ev event) bool { return ev.str("args") == missing })
	expect(t, ev, map[string]any{"ppid": self, "retval": -int(unix.ENOENT), "args_count": 1, "comm": selfComm(t)})
	r.stop()
}

func TestSigsnoop(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "sigsnoop")
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	target := sleeper.Process.Pid

	r := startRun(t, 1, "-j", "--duration", runCap, pkg, "--target_pid", strconv.Itoa(target))
	// SIGCONT to a running process changes nothing, so it can be repeated
	// until nomia is attached; then one SIGTERM is the real test.
	cont := r.waitEvent(seenWithin, func() { syscall.Kill(target, syscall.SIGCONT) },
		func(ev event) bool { return ev.is("sig", int64(syscall.SIGCONT)) })
	expect(t, cont, map[string]any{"kind": "SIGCLASS_CONTINUE", "fatal": false, "target.pid": target})

	if err := syscall.Kill(target, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	term := r.waitEvent(seenWithin, nil, func(ev event) bool { return ev.is("sig", int64(syscall.SIGTERM)) })
	expect(t, term, map[string]any{
		"sender": map[string]any{"pid": self, "comm": selfComm(t)},
		"target": map[string]any{"pid": target, "comm": "sleep"},
		"kind":   "SIGCLASS_TERMINATE",
		"codes":  []int{0, 0}, // SI_USER from kill(2); TRACE_SIGNAL_DELIVERED
		"fatal":  true,
	})
	r.stop()
	if err := sleeper.Wait(); err == nil || !strings.Contains(err.Error(), "terminated") {
		t.Errorf("sleep ended with %v, want killed by SIGTERM", err)
	}
}

// TestRawtp also covers SOURCE "-": the package arrives on standard input.
func TestRawtp(t *testing.T) {
	t.Parallel()
	pkg, err := os.Open(buildPackage(t, "rawtp"))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	var kids children
	r := startRunStdin(t, pkg, 1, "-j", "--duration", runCap, "-", "--targ_ppid", strconv.Itoa(self))
	ev := r.waitEvent(seenWithin, func() { kids.run(t, "/bin/true") },
		func(ev event) bool { return kids.has(ev, "pid") })
	pid, _ := ev.int("pid")
	expect(t, ev, map[string]any{"old_pid": pid, "ppid": self, "comm": "true", "filename": "/bin/true"})
	r.stop()
}

// TestTpbtf also covers `nomia run SOURCE.bpf.c`: the package is built on
// the fly.
func TestTpbtf(t *testing.T) {
	t.Parallel()
	src := filepath.Join(moduleRoot, "examples", "tpbtf", "tpbtf.bpf.c")
	var kids children
	r := startRun(t, 1, "-j", "--duration", runCap, src)
	ev := r.waitEvent(seenWithin, func() { kids.run(t, "/bin/true") }, func(ev event) bool {
		if pid, tid := ev["pid"], ev["tid"]; pid != tid {
			t.Errorf("a new thread (pid %v, tid %v) was reported without --threads", pid, tid)
		}
		return kids.has(ev, "pid")
	})
	pid, _ := ev.int("pid")
	// A child starts with its parent's comm; exec renames it later.
	expect(t, ev, map[string]any{"ppid": self, "tid": pid, "parent_comm": selfComm(t), "comm": selfComm(t)})
	r.stop()
}

// The section names the function; --binary names the file.
func TestUprobe(t *testing.T) {
	t.Parallel()
	testUprobe(t, func(bin string) []string { return []string{"--binary", bin} })
}

// --attach points each program at the file and function, whatever its
// section names, as libbpf-tools' user space attaches bare SEC("uprobe")s.
func TestUprobeAttachFlag(t *testing.T) {
	t.Parallel()
	testUprobe(t, func(bin string) []string {
		return []string{"--attach", "enter_add=" + bin + ":nomia_add", "--attach", "exit_add=" + bin + ":nomia_add"}
	})
}

// testUprobe runs examples/uprobe with the runner flags target gives for the
// built target binary, and checks the event of one call.
func testUprobe(t *testing.T, target func(bin string) []string) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not found: it builds the uprobe target")
	}
	pkg := buildPackage(t, "uprobe")
	bin := filepath.Join(t.TempDir(), "target")
	src := filepath.Join(moduleRoot, "examples", "uprobe", "target.c")
	if out, err := exec.Command("gcc", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", src, err, out)
	}
	// b needs all 64 bits: a truncating decoder would lose 2^40.
	a, b := 40+self%1000, int64(1)<<40+int64(self)
	var kids children
	args := append(append([]string{"-j", "--duration", runCap}, target(bin)...), pkg)
	r := startRun(t, 2, args...)
	ev := r.waitEvent(seenWithin, func() {
		if out := kids.run(t, bin, strconv.Itoa(a), strconv.FormatInt(b, 10)); strings.TrimSpace(out) != strconv.FormatInt(int64(a)+b, 10) {
			t.Errorf("target printed %q, want %d", out, int64(a)+b)
		}
	}, func(ev event) bool { return kids.has(ev, "pid") })
	expect(t, ev, map[string]any{"a": a, "b": b, "ret": int64(a) + b, "comm": "target"})
	r.stop()
}

func TestProfile(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "profile")
	spinner := exec.Command("sh", "-c", "while :; do :; done")
	if err := spinner.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { spinner.Process.Kill(); spinner.Wait() })
	pid := spinner.Process.Pid

	r := startRun(t, 1, "-j", "--duration", runCap, "--freq", "99", pkg, "--targ_pid", strconv.Itoa(pid))
	ev := r.waitEvent(seenWithin, nil, func(ev event) bool {
		if !ev.is("pid", int64(pid)) {
			t.Errorf("--targ_pid %d let through a sample of pid %v", pid, ev["pid"])
		}
		return true
	})
	expect(t, ev, map[string]any{"pid": pid, "tid": pid, "comm": "sh"})
	if cpu, ok := ev.int("cpu"); !ok || cpu < 0 || cpu >= int64(runtime.NumCPU()) {
		t.Errorf("cpu = %v, want 0..%d", ev["cpu"], runtime.NumCPU()-1)
	}
	r.stop()
}

// TestTasks reads the iterator's text: a header, then one line per process
// (every thread with --threads), which must include this test's own.
func TestTasks(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "tasks")
	for _, threads := range []bool{false, true} {
		t.Run(fmt.Sprintf("threads=%v", threads), func(t *testing.T) {
			t.Parallel()
			// An iterator prints once and a package of iterators alone is then
			// done: nomia must exit by itself, with no --duration. It may exit
			// before the programs can be counted, so the release check is left
			// to the other tests.
			r := startRun(t, 0, pkg, fmt.Sprintf("--threads=%v", threads))
			r.waitExit(seenWithin)
			lines := r.output()
			if len(lines) == 0 || strings.Join(strings.Fields(lines[0]), " ") != "PID TID COMM" {
				t.Fatalf("first line is not the header PID TID COMM\n%s", r.transcript())
			}
			pid, comm := strconv.Itoa(self), selfComm(t)
			var main, others int // lines for this process: its main thread, other threads
			for _, line := range lines[1:] {
				f := strings.Fields(line)
				switch {
				case len(f) != 3 || f[0] != pid:
				case f[1] == pid && f[2] == comm:
					main++
				case f[2] == comm:
					others++
				}
			}
			// A Go test binary always runs several threads.
			if main != 1 || (others > 0) != threads {
				t.Errorf("--threads=%v: %d line(s) for this process's main thread, %d for other threads\n%s",
					threads, main, others, r.transcript())
			}
		})
	}
}
