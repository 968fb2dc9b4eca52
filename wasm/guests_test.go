package wasm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// bpfObject is the tests' BPF object, compiled from testdata/events.bpf.c
// with defines (e.g. "TAIL=8" for small events).
func bpfObject(t testing.TB, defines ...string) []byte {
	t.Helper()
	var flags []string
	for _, d := range defines {
		flags = append(flags, "-D"+d)
	}
	return bpftest.Object(t, "testdata/events.bpf.c", bpftest.Options{Flags: flags})
}

// guestCache keeps built guests for the life of the test process.
var guestCache sync.Map // key → []byte

// cGuest builds testdata/guest.c with clang for wasm32-wasi against Debian's
// wasi-libc, with the BPF object embedded as a generated header, as wasm-bpf's
// C examples are built (-Wl,--export-table so sample_func can be called).
// The defines reach both the guest and the BPF object.
func cGuest(t testing.TB, defines ...string) []byte {
	t.Helper()
	key := "c" + strings.Join(defines, " ")
	if b, ok := guestCache.Load(key); ok {
		return b.([]byte)
	}
	clang := bpftest.Clang()
	if _, err := exec.LookPath(clang); err != nil {
		t.Skipf("%s is not installed", clang)
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		t.Skip("wasi-libc is not installed (/usr/lib/wasm32-wasi): apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	dir := t.TempDir()
	writeObjHeader(t, filepath.Join(dir, "obj.h"), bpfObject(t, defines...))
	src, err := filepath.Abs("testdata/guest.c")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "guest.wasm")
	args := []string{"--target=wasm32-wasi", "--sysroot=/usr", "-isystem", "/usr/include/wasm32-wasi",
		"-L/usr/lib/wasm32-wasi", "-O2", "-Wl,--export-table", "-I" + dir, src, "-o", out}
	for _, d := range defines {
		args = append(args, "-D"+d)
	}
	if msg, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		t.Fatalf("build C guest: %v\n%s", err, msg)
	}
	return storeGuest(t, key, out)
}

// goGuest builds testdata/goguest (GOOS=wasip1 GOARCH=wasm) with the BPF
// object, built with defines, embedded through //go:embed.
func goGuest(t testing.TB, defines ...string) []byte {
	t.Helper()
	key := "go" + strings.Join(defines, " ")
	if b, ok := guestCache.Load(key); ok {
		return b.([]byte)
	}
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/goguest/main.go")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"main.go":  src,
		"go.mod":   []byte("module goguest\n\ngo 1.24\n"),
		"events.o": bpfObject(t, defines...),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "guest.wasm")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-mod=mod", "GOWORK=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build Go guest: %v\n%s", err, msg)
	}
	return storeGuest(t, key, out)
}

func storeGuest(t testing.TB, key, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	guestCache.Store(key, b)
	return b
}

// writeObjHeader writes obj as the C array bpf_obj, as wasm-bpf's generated
// headers do; it is writable, so that the guest can patch globals.
func writeObjHeader(t testing.TB, path string, obj []byte) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("static unsigned char bpf_obj[] = {")
	for i, c := range obj {
		if i%16 == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d,", c)
	}
	fmt.Fprintf(&b, "\n};\nstatic const int bpf_obj_len = %d;\n", len(obj))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// output collects a guest's stdout and reports when a line appears.
type output struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	want  string
	ready chan struct{}
}

// newOutput returns an output that closes ready when line is printed.
func newOutput(line string) *output {
	return &output{want: line + "\n", ready: make(chan struct{})}
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	had := strings.Contains(o.buf.String(), o.want)
	o.buf.Write(p)
	if !had && strings.Contains(o.buf.String(), o.want) {
		close(o.ready)
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// drainGuest runs module with args in drain mode (see testdata/guest.c),
// making n records in batches of at most 16384 (which the ring holds) before
// telling the guest to receive them, and returns what the guest counted: the
// records, the polls that took them and the nanoseconds spent polling.
func drainGuest(t testing.TB, module []byte, n int, args ...string) (got, polls int, ns int64) {
	t.Helper()
	var batches []drainBatch
	for left := n; left > 0; left -= 16384 {
		k := min(left, 16384)
		batches = append(batches, drainBatch{fire: k, receive: k})
	}
	got, polls, ns, _ = runDrain(t, module, batches, args...)
	if got != n {
		t.Fatalf("the guest received %d records, want %d", got, n)
	}
	return got, polls, ns
}

// drainBatch is one step of runDrain: make fire records while the guest waits,
// then have it receive the given number of them.
type drainBatch struct{ fire, receive int }

// runDrain runs module with args in drain mode, one batch at a time, and
// returns what the guest counted (records, polls, nanoseconds polling) and what
// the host logged.
func runDrain(t testing.TB, module []byte, batches []drainBatch, args ...string) (got, polls int, ns int64, log string) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	// Read the guest's output as it comes: a write to a pipe nobody reads
	// blocks, even an empty one.
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var logBuf bytes.Buffer
	done := make(chan error, 1)
	go func() {
		code, err := Run(context.Background(), module, Config{Args: args, Stdin: inR, Stdout: outW, Log: &logBuf})
		if err == nil && code != 0 {
			err = fmt.Errorf("exit code %d", code)
		}
		outW.CloseWithError(err)
		done <- err
	}()
	expect := func(want string) {
		if line, ok := <-lines; line != want {
			if !ok {
				t.Fatalf("guest ended (%v) instead of printing %q", <-done, want)
			}
			t.Fatalf("guest printed %q, want %q", line, want)
		}
	}
	expect("attached")
	for _, b := range batches {
		trigger(b.fire)
		fmt.Fprintln(inW, b.receive)
		expect("ok")
	}
	inW.Close()
	line := <-lines
	if _, err := fmt.Sscanf(line, "got %d polls %d ns %d", &got, &polls, &ns); err != nil {
		t.Fatalf("guest printed %q, want its totals", line)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return got, polls, ns, logBuf.String()
}
