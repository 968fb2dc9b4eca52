package examples_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pokeEvery is how often a test repeats its workload while it waits for an
// event: the first tries may happen before nomia has attached.
const pokeEvery = 200 * time.Millisecond

// buildPackage compiles examples/NAME/NAME.bpf.c with `nomia build` into a
// package in the test's temp dir (never beside the source) and returns its path.
func buildPackage(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(moduleRoot, "examples", name, name+".bpf.c")
	pkg := filepath.Join(t.TempDir(), name+".json")
	out, err := exec.Command(nomiaBin, "build", "-o", pkg, src).CombinedOutput()
	if err != nil {
		t.Fatalf("nomia build %s: %v\n%s", src, err, out)
	}
	return pkg
}

// run is one `nomia run` process whose standard output the test reads line
// by line.
type run struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string // stdout, closed at EOF
	stderr *syncBuffer
	done   chan struct{} // closed once the process has been waited for
	err    error         // exit status, valid after done

	mu   sync.Mutex
	seen []string // stdout lines read so far, for failure messages

	progs    int            // programs the package holds
	programs map[int]string // their ids while running (id → name), once seen
}

// startRun starts `nomia run ARGS...` for a package holding progs programs
// (0: do not count them, for runs that may end before they can be counted).
// Each run has a --duration cap in ARGS so a broken CLI cannot hang the test.
func startRun(t *testing.T, progs int, args ...string) *run {
	t.Helper()
	return startRunStdin(t, nil, progs, args...)
}

// startRunStdin is startRun with stdin as nomia's standard input.
func startRunStdin(t *testing.T, stdin io.Reader, progs int, args ...string) *run {
	t.Helper()
	r := &run{
		t:      t,
		cmd:    exec.Command(nomiaBin, append([]string{"run"}, args...)...),
		lines:  make(chan string, 4096),
		stderr: &syncBuffer{},
		done:   make(chan struct{}),
		progs:  progs,
	}
	r.cmd.Stdin, r.cmd.Stderr = stdin, r.stderr
	// A private mount namespace: the tracefs nomia mounts when it finds none
	// goes away with it instead of outliving the test.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting nomia run: %v", err)
	}
	go r.read(stdout)
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

func (r *run) read(stdout interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		r.mu.Lock()
		if len(r.seen) < 10000 {
			r.seen = append(r.seen, line)
		}
		r.mu.Unlock()
		select {
		case r.lines <- line:
		default: // the test stopped reading; keep draining so nomia never blocks
		}
	}
	close(r.lines)
	r.err = r.cmd.Wait()
	close(r.done)
}

// output is every stdout line read so far (up to 10000).
func (r *run) output() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// transcript is what nomia printed so far, for failure messages.
func (r *run) transcript() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.seen
	if len(out) > 40 {
		out = out[len(out)-40:]
	}
	return "stdout (last lines):\n" + strings.Join(out, "\n") + "\nstderr:\n" + r.stderr.String()
}

// waitLine calls poke every pokeEvery until a stdout line satisfies match,
// and returns it. It fails the test at the timeout or if nomia exits first.
func (r *run) waitLine(timeout time.Duration, poke func(), match func(line string) bool) string {
	r.t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(pokeEvery)
	defer tick.Stop()
	if poke != nil {
		poke()
	}
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				<-r.done
				r.t.Fatalf("nomia run exited (%v) before the expected output\n%s", r.err, r.transcript())
			}
			if match(line) {
				r.snapshotPrograms()
				return line
			}
		case <-tick.C:
			if poke != nil {
				poke()
			}
		case <-deadline:
			r.t.Fatalf("no expected output within %v\n%s", timeout, r.transcript())
		}
	}
}

// waitEvent is waitLine for `nomia run -j`: every line must be a JSON object.
func (r *run) waitEvent(timeout time.Duration, poke func(), match func(event) bool) event {
	r.t.Helper()
	var found event
	r.waitLine(timeout, poke, func(line string) bool {
		ev, err := parseEvent(line)
		if err != nil {
			r.t.Fatalf("nomia run -j printed a line that is not a JSON object: %v\n%q", err, line)
		}
		if match(ev) {
			found = ev
			return true
		}
		return false
	})
	return found
}

// stop sends SIGINT, as Ctrl-C would, and checks that nomia exits 0 within a
// few seconds and that every program it held is gone from the kernel.
func (r *run) stop() {
	r.t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
		r.t.Fatalf("SIGINT to nomia: %v", err)
	}
	r.waitExit(10 * time.Second)
}

// waitExit waits for nomia to exit on its own (--duration) and checks the
// same as stop.
func (r *run) waitExit(timeout time.Duration) {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(timeout):
		r.t.Fatalf("nomia run did not exit within %v\n%s", timeout, r.transcript())
	}
	if r.err != nil {
		r.t.Fatalf("nomia run exited with %v, want 0\n%s", r.err, r.transcript())
	}
	r.checkReleased()
}

// snapshotPrograms records which programs nomia holds, once: by the time an
// expected event arrives, every program of the package is loaded.
func (r *run) snapshotPrograms() {
	if r.programs != nil || r.progs == 0 {
		return
	}
	r.programs = heldPrograms(r.t, r.cmd.Process.Pid)
	if len(r.programs) != r.progs {
		r.t.Errorf("nomia holds %d programs %v, want the package's %d", len(r.programs), r.programs, r.progs)
	}
}

// checkReleased fails if a program nomia held is still loaded after it
// exited. Freeing is asynchronous in the kernel, so it is polled briefly.
func (r *run) checkReleased() {
	r.t.Helper()
	if r.programs == nil {
		return
	}
	var left []string
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		live := loadedPrograms(r.t)
		left = left[:0]
		for id, name := range r.programs {
			if _, ok := live[id]; ok {
				left = append(left, name)
			}
		}
		if len(left) == 0 || time.Now().After(end) {
			break
		}
	}
	if len(left) > 0 {
		r.t.Errorf("programs still loaded after nomia exited: %v", left)
	}
}

// syncBuffer is a bytes.Buffer safe for the exec goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// loadedPrograms lists every program in the kernel, id → name, as
// `bpftool prog list -j` reports them.
func loadedPrograms(t *testing.T) map[int]string {
	t.Helper()
	out, err := exec.Command("bpftool", "prog", "list", "-j").Output()
	if err != nil {
		t.Fatalf("bpftool prog list: %v", err)
	}
	var list []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("bpftool prog list -j: %v", err)
	}
	progs := map[int]string{}
	for _, p := range list {
		progs[p.ID] = p.Name
	}
	return progs
}

// heldPrograms lists the programs process pid holds, id → name: the
// "prog_id:" of each program or link fd in /proc/PID/fdinfo. (bpftool can
// list holders too, but only when built with skeleton support.)
func heldPrograms(t *testing.T, pid int) map[int]string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fdinfo", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("listing nomia's fds: %v", err)
	}
	names := loadedPrograms(t)
	held := map[int]string{}
	for _, fd := range fds {
		info, err := os.ReadFile(filepath.Join(dir, fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "prog_id:"); ok {
				if id, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
					held[id] = names[id]
				}
			}
		}
	}
	return held
}
