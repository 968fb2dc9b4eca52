package templates_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/wasm"
)

// TestWasmTemplate builds the wasm project with its own Makefile (nomia
// build, then Go's wasip1 port), checks the module's imports, and runs it
// through package wasm (the host behind `nomia run X.wasm`) until it prints
// an exec the test makes, with that program's path and name.
func TestWasmTemplate(t *testing.T) {
	t.Parallel()
	if kernelSkip != "" {
		t.Skip(kernelSkip)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found: the wasm project builds with make")
	}
	parent := t.TempDir()
	nomia(t, "init", "--dir", parent, "--template", "wasm", "wasmexec")
	dir := filepath.Join(parent, "wasmexec")
	mk := exec.Command("make", "-C", dir, "NOMIA="+nomiaBin)
	// The project is a module of its own; keep this module's settings out.
	mk.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make -C %s: %v\n%s", dir, err, out)
	}
	module, err := os.ReadFile(filepath.Join(dir, "wasmexec.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(module, []byte("\x00asm")) {
		t.Fatalf("wasmexec.wasm is not a WebAssembly module (starts %q)", module[:min(8, len(module))])
	}
	for _, imp := range []string{"wasm_load_bpf_object", "wasm_attach_bpf_program", "wasm_bpf_buffer_poll", "go-callback"} {
		if !bytes.Contains(module, []byte(imp)) {
			t.Errorf("wasmexec.wasm does not import or export %s", imp)
		}
	}

	bpftest.NoLeaks(t, "trace_exec")
	// Run the module in this process through the host `nomia run X.wasm`
	// is built on, until it prints the exec of a program of a unique path.
	prog, comm := uniqueProgram(t, "/bin/true", "nmwasm")
	var mu sync.Mutex
	var out strings.Builder
	w := &lockedWriter{mu: &mu, w: &out}
	printed := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := wasm.Run(ctx, module, wasm.Config{Args: []string{"wasmexec"}, Stdout: w, Stderr: w, Log: w})
		done <- result{code, err}
	}()
	tick := time.NewTicker(pokeEvery)
	defer tick.Stop()
	for !strings.Contains(printed(), prog) {
		select {
		case r := <-done:
			t.Fatalf("wasmexec.wasm ended (exit %d, %v) before printing the exec of %s:\n%s", r.code, r.err, prog, printed())
		case <-tick.C:
			exec.Command(prog).Run()
		}
	}
	cancel()
	<-done // Run returns only once it has detached what the guest attached
	for _, line := range strings.Split(printed(), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[3] == prog {
			// sched_process_exec fires once the new program has its name.
			if f[2] != comm {
				t.Errorf("exec line %q: comm %q, want %q", line, f[2], comm)
			}
			return
		}
	}
	t.Errorf("no line with PID, PPID, COMM and FILENAME %s in:\n%s", prog, printed())
}
