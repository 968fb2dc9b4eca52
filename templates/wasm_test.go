package templates_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// TestWasmTemplate builds the wasm project with the command `nomia init`
// prints (`nomia build --wasm DIR`, pointed at this checkout's SDK) and runs
// the module with `nomia run X.wasm -- FLAGS`, as its README says:
//
//   - with -ppid and -count, it prints exactly the execs of the children of a
//     shell the test owns, each with its pid, ppid, name and path, leaves out
//     an exec whose parent is the test, and exits 0 after the count;
//   - without flags, it prints the test's own exec and ends cleanly on Ctrl-C.
func TestWasmTemplate(t *testing.T) {
	t.Parallel()
	module := buildWasmProject(t, "wasmexec")
	bpftest.NoLeaks(t, "trace_exec")
	prog, comm := uniqueProgram(t, "/bin/true", "nmwasm")
	// wazero keeps compiled modules in the user's cache; keep the test's own.
	env := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	header := []string{"PID", "PPID", "COMM", "FILENAME"}
	isHeader := func(line string) bool { return slices.Equal(strings.Fields(line), header) }
	first := func(string) bool { return true }

	sh := startSpawner(t)
	r := startNomia(t, env, "run", "--duration", runCap, module, "--", "-ppid", strconv.Itoa(sh.pid), "-count", "2")
	// The guest prints the header once trace_exec is attached.
	if line := r.waitForLine(t, func() {}, first); !isHeader(line) {
		t.Fatalf("first line %q, want the header %q\n%s", line, header, r.transcript())
	}
	// The test's own exec has the wrong parent: -ppid must leave it out, or
	// it would be the first of the two events -count waits for.
	direct := exec.Command(prog)
	if err := direct.Run(); err != nil {
		t.Fatal(err)
	}
	want := []int{sh.spawn(t, prog), sh.spawn(t, prog)}
	<-r.done
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("nomia run ... -count 2 exited %d, want 0\n%s", code, r.transcript())
	}
	var events [][]string
	for line := range r.lines {
		events = append(events, strings.Fields(line))
	}
	if len(events) != len(want) {
		t.Fatalf("%d event lines, want the %d execs by the shell (pids %v; the test's own exec was pid %d)\n%s",
			len(events), len(want), want, direct.Process.Pid, r.transcript())
	}
	for i, f := range events {
		if wantF := []string{strconv.Itoa(want[i]), strconv.Itoa(sh.pid), comm, prog}; !slices.Equal(f, wantF) {
			t.Errorf("event %d: %q, want %q", i, f, wantF)
		}
	}

	// Without flags: every exec, until Ctrl-C.
	r = startNomia(t, env, "run", "--duration", runCap, module)
	if line := r.waitForLine(t, func() {}, first); !isHeader(line) {
		t.Fatalf("first line %q, want the header %q\n%s", line, header, r.transcript())
	}
	var started []string
	poke := func() {
		cmd := exec.Command(prog)
		if cmd.Run() == nil {
			started = append(started, strconv.Itoa(cmd.Process.Pid))
		}
	}
	line := r.waitForLine(t, poke, func(line string) bool {
		f := strings.Fields(line)
		return len(f) == 4 && f[3] == prog
	})
	if f := strings.Fields(line); !slices.Contains(started, f[0]) || f[1] != strconv.Itoa(os.Getpid()) || f[2] != comm {
		t.Errorf("event %q: want one of the pids %v, the test's pid %d as ppid, comm %s", line, started, os.Getpid(), comm)
	}
	r.stop()
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("nomia run stopped by Ctrl-C exited %d, want 0\n%s", code, r.transcript())
	}

	// The README's flag table lists every flag the module's -h does.
	usage := exec.Command(nomiaBin, "run", module, "--", "-h")
	usage.Env = append(os.Environ(), env...)
	help, err := usage.CombinedOutput()
	if err != nil {
		t.Fatalf("nomia run %s -- -h: %v\n%s", module, err, help)
	}
	readme, err := os.ReadFile(filepath.Join(filepath.Dir(module), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	flags := 0
	for _, line := range strings.Split(string(help), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(line, "  -") {
			flags++
			if !strings.Contains(string(readme), "| `"+f[0]+" ") {
				t.Errorf("README.md has no row for %s, which -h lists:\n%s", f[0], help)
			}
		}
	}
	if flags == 0 {
		t.Errorf("nomia run %s -- -h listed no flags:\n%s", module, help)
	}
}

// buildWasmProject runs `nomia init` for the wasm template in a fresh temp
// dir, then the build command it prints, with --sdk naming this checkout,
// and returns the path of the module.
func buildWasmProject(t *testing.T, name string) string {
	t.Helper()
	if kernelSkip != "" {
		t.Skip(kernelSkip)
	}
	parent := t.TempDir()
	out := nomia(t, "init", "--dir", parent, "--template", "wasm", name)
	dir := filepath.Join(parent, name)
	build := "nomia build --wasm " + dir
	if !strings.Contains(out, "\n  "+build+"\n") {
		t.Fatalf("nomia init did not print the build command %q:\n%s", build, out)
	}
	sdk, err := filepath.Abs("..") // the test runs in templates/
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nomiaBin, "build", "--wasm", dir, "--sdk", sdk)
	// The project is a module of its own: this module's go flags are not its.
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nomia build --wasm %s --sdk %s: %v\n%s", dir, sdk, err, out)
	}
	module := filepath.Join(dir, name+".wasm")
	data, err := os.ReadFile(module)
	if err != nil {
		t.Fatalf("nomia build --wasm wrote no module: %v", err)
	}
	if !bytes.HasPrefix(data, []byte("\x00asm")) {
		t.Fatalf("%s is not a WebAssembly module (starts %q)", module, data[:min(8, len(data))])
	}
	return module
}

// spawner is a shell that starts the programs the test names, so that their
// parent is a process that starts nothing else.
type spawner struct {
	pid int
	in  io.WriteCloser
	out *bufio.Reader
}

// startSpawner starts the shell; it exits when the test ends.
func startSpawner(t *testing.T) *spawner {
	t.Helper()
	// read, echo and wait are built in: the shell's only children are the
	// programs it is told to start. A program started with & reads
	// /dev/null, not the shell's input.
	cmd := exec.Command("/bin/sh", "-c", `while read -r p; do "$p" & echo $!; wait; done`)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("/bin/sh is needed to start the workload: %v", err)
	}
	t.Cleanup(func() {
		in.Close() // read fails: the loop ends
		cmd.Wait()
	})
	return &spawner{pid: cmd.Process.Pid, in: in, out: bufio.NewReader(out)}
}

// spawn has the shell start prog and returns its pid. The shell reads the
// next program only once this one has exited, so execs keep their order.
func (s *spawner) spawn(t *testing.T, prog string) int {
	t.Helper()
	if _, err := fmt.Fprintln(s.in, prog); err != nil {
		t.Fatalf("spawner shell: %v", err)
	}
	line, err := s.out.ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		t.Fatalf("spawner shell printed %q (%v) instead of a pid", line, err)
	}
	return pid
}
