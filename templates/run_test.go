package templates_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// A workload repeats until nomia reports it, every pokeEvery, because
	// nomia attaches some time after it starts.
	pokeEvery = 200 * time.Millisecond
	// No run outlives runCap even if the CLI is broken; tests stop it
	// themselves once they have what they wait for.
	runCap = "120s"
)

// run is one `nomia run` whose JSON output lines the test reads.
type run struct {
	cmd   *exec.Cmd
	lines chan string   // complete stdout lines; closed once nomia has exited
	done  chan struct{} // closed once the process has been waited for

	mu      sync.Mutex
	partial []byte   // stdout since the last newline
	last    []string // the last stdout lines, for failure messages
	stderr  strings.Builder
}

// startRun starts `nomia run -j --duration runCap ARGS...`.
func startRun(t *testing.T, args ...string) *run {
	t.Helper()
	return startNomia(t, nil, append([]string{"run", "-j", "--duration", runCap}, args...)...)
}

// startNomia starts `nomia ARGS...` with env added to this process's
// environment, in a mount namespace of its own so that a tracefs it mounts
// goes away with it, and stops it when the test ends.
func startNomia(t *testing.T, env []string, args ...string) *run {
	t.Helper()
	r := &run{lines: make(chan string, 4096), done: make(chan struct{})}
	r.cmd = exec.Command(nomiaBin, args...)
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stdout = (*stdoutLines)(r)
	r.cmd.Stderr = &lockedWriter{mu: &r.mu, w: &r.stderr}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting nomia run: %v", err)
	}
	go func() {
		r.cmd.Wait() // returns after the last write to Stdout
		close(r.lines)
		close(r.done)
	}()
	t.Cleanup(r.stop)
	return r
}

// stdoutLines is the run as nomia's standard output: it splits what nomia
// writes into lines for waitFor.
type stdoutLines run

func (w *stdoutLines) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.partial[:i])
		w.partial = w.partial[i+1:]
		if w.last = append(w.last, line); len(w.last) > 30 {
			w.last = w.last[1:]
		}
		select {
		case w.lines <- line:
		default: // nobody reads any more; never block nomia
		}
	}
}

// stop ends nomia with SIGINT, as Ctrl-C would, and waits for it.
func (r *run) stop() {
	select {
	case <-r.done:
		return
	default:
	}
	r.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
	}
}

// transcript is what nomia printed, for failure messages.
func (r *run) transcript() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("last lines of stdout:\n%s\nstderr:\n%s", strings.Join(r.last, "\n"), &r.stderr)
}

// waitFor repeats poke until nomia prints a JSON line that match accepts,
// and returns it decoded. Every line is also given to each (may be nil), so
// a test can check all of them. It fails the test if nomia exits first.
func (r *run) waitFor(t *testing.T, poke func(), each, match func(map[string]any) bool) map[string]any {
	t.Helper()
	var v map[string]any
	r.waitForLine(t, poke, func(line string) bool {
		v = nil
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("nomia run -j printed a line that is not a JSON object: %q (%v)", line, err)
		}
		if each != nil && !each(v) {
			t.Fatalf("unexpected line: %s\n%s", line, r.transcript())
		}
		return match(v)
	})
	return v
}

// waitForLine repeats poke until nomia prints a line that match accepts, and
// returns it. It fails the test if nomia exits first.
func (r *run) waitForLine(t *testing.T, poke func(), match func(line string) bool) string {
	t.Helper()
	tick := time.NewTicker(pokeEvery)
	defer tick.Stop()
	poke()
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				t.Fatalf("nomia run ended before the expected output\n%s", r.transcript())
			}
			if match(line) {
				return line
			}
		case <-tick.C:
			poke()
		}
	}
}

// lockedWriter lets the process write stderr while transcript reads it.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// num is v[key] as a number (JSON numbers decode as float64); -1 if absent.
func num(v map[string]any, key string) float64 {
	if n, ok := v[key].(float64); ok {
		return n
	}
	return -1
}
