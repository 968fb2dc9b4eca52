package templates_test

import (
	"bufio"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pokeEvery is how often a test repeats its workload while it waits: the
// first tries may come before nomia has attached.
const pokeEvery = 200 * time.Millisecond

// runCap bounds every `nomia run` so that a broken CLI cannot hang a test;
// tests end it themselves as soon as they have seen what they wait for.
const runCap = "120s"

// run is one `nomia run` whose JSON output lines the test reads.
type run struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, closed at EOF
	stderr strings.Builder
	done   chan struct{} // closed once the process has been waited for

	mu   sync.Mutex
	seen []string // stdout so far, for failure messages
}

// startRun starts `nomia run -j --duration runCap ARGS...`, in a mount
// namespace of its own so that a tracefs it mounts goes away with it.
func startRun(t *testing.T, args ...string) *run {
	t.Helper()
	r := &run{lines: make(chan string, 4096), done: make(chan struct{})}
	r.cmd = exec.Command(nomiaBin, append([]string{"run", "-j", "--duration", runCap}, args...)...)
	r.cmd.Stderr = &lockedWriter{mu: &r.mu, w: &r.stderr}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting nomia run: %v", err)
	}
	go r.read(stdout)
	t.Cleanup(r.stop)
	return r
}

func (r *run) read(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		r.mu.Lock()
		if len(r.seen) < 2000 {
			r.seen = append(r.seen, sc.Text())
		}
		r.mu.Unlock()
		select {
		case r.lines <- sc.Text():
		default: // nobody reads any more; keep draining so nomia never blocks
		}
	}
	close(r.lines)
	r.cmd.Wait()
	close(r.done)
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
	out := r.seen
	if len(out) > 30 {
		out = out[len(out)-30:]
	}
	return "stdout (last lines):\n" + strings.Join(out, "\n") + "\nstderr:\n" + r.stderr.String()
}

// waitFor repeats poke until nomia prints a JSON line that match accepts,
// and returns it decoded. Every line is also given to each (may be nil), so
// a test can check all of them. It fails the test if nomia exits first.
func (r *run) waitFor(t *testing.T, poke func(), each, match func(map[string]any) bool) map[string]any {
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
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("nomia run -j printed a line that is not a JSON object: %q (%v)", line, err)
			}
			if each != nil && !each(v) {
				t.Fatalf("unexpected line: %s\n%s", line, r.transcript())
			}
			if match(v) {
				return v
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
