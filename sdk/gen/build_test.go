package gen

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
	"testing"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/wasm"
)

// magic is the prctl option testdata/probe.bpf.c reacts to; the kernel
// rejects it with EINVAL, so the calls have no other effect.
const magic = 0x4e4f4d53

// project copies testdata/probe.bpf.c and the files of testdata/guest (and
// of testdata/cshared for a C guest) into a fresh directory, as a user's
// project directory.
func project(t *testing.T, guest string) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join("testdata", guest, "*"))
	if guest != "goguest" {
		shared, _ := filepath.Glob("testdata/cshared/*")
		files = append(files, shared...)
	}
	for _, f := range append(files, "testdata/probe.bpf.c") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildGuest runs Build on a copy of testdata/guest, skipping when a
// toolchain is missing.
func buildGuest(t *testing.T, guest string) *Result {
	t.Helper()
	if _, err := exec.LookPath(bpftest.Clang()); err != nil {
		t.Skipf("%s is not installed", bpftest.Clang())
	}
	if _, err := exec.LookPath("go"); err != nil && guest == "goguest" {
		t.Skip("go is not on PATH")
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil && guest != "goguest" {
		t.Skip("wasi-libc is not installed (/usr/lib/wasm32-wasi): apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Options{Dir: project(t, guest), NomiaModule: root})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// runGuest runs module with args, firing prctl(magic, 1..n) once the guest
// prints "attached", and returns what it printed.
func runGuest(t *testing.T, module []byte, n int, args ...string) string {
	t.Helper()
	r, w := io.Pipe()
	printed := make(chan string)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if sc.Text() == "attached" {
				for seq := 1; seq <= n; seq++ {
					unix.Prctl(magic, uintptr(seq), 0, 0, 0)
				}
			}
		}
		io.Copy(io.Discard, r) // a line too long for the scanner must not block the guest
		printed <- all.String()
	}()
	var log bytes.Buffer
	code, err := wasm.Run(context.Background(), module, wasm.Config{Args: args, Stdout: w, Stderr: w, Log: &log})
	w.Close()
	out := <-printed
	if err != nil || code != 0 {
		t.Fatalf("guest: exit %d, %v\noutput:\n%s\nhost log:\n%s", code, err, out, &log)
	}
	if log.Len() > 0 {
		t.Errorf("the host logged %q for a well-behaved guest", log.String())
	}
	return out
}

// wantEvents is what both guests print for n events with multiplier mult
// and flag_offset 10, after any lines of their own.
func wantEvents(n, mult int) string {
	var b strings.Builder
	b.WriteString("attached\n")
	sum := 0
	for seq := 1; seq <= n; seq++ {
		fmt.Fprintf(&b, "event pid=true seq=%d flag=%d comm=gen.test value=%d neg=%d\n", seq, seq%2+10, seq*mult, -seq)
		sum += seq * mult
	}
	for seq := 1; seq <= n; seq++ {
		fmt.Fprintf(&b, "small seq=%d half=%d\n", seq, -100*seq)
	}
	fmt.Fprintf(&b, "keys %d sum %d updated 42 deleted-lookup-not-exist true\n", n, sum)
	return b.String()
}

// TestGoGuest builds testdata/goguest with Build (object embedded, globals
// table and Event generated from BTF), runs it on the host and checks that
// the globals it set took effect, that the events decoded into the generated
// struct carry the values the kernel wrote, and the map operations' results.
func TestGoGuest(t *testing.T) {
	testGuest(t, "goguest", 7, "unknown global refused: true\n")
}

// TestCGuest builds testdata/cguest, a C program using only wasm-bpf's
// libbpf-wasm.h API, with Build (skeleton and event header generated), runs
// it and checks the same values as TestGoGuest, printed by the guest from
// the generated struct event.
func TestCGuest(t *testing.T) {
	testGuest(t, "cguest", 3, "")
}

// TestLibbpfGuest builds testdata/libbpfguest, C written as libbpf user
// space is (ring_buffer__new and perf_buffer__new on map fds, the
// bpf_map__*_elem calls), and checks that it prints what TestCGuest's does.
func TestLibbpfGuest(t *testing.T) {
	testGuest(t, "libbpfguest", 4, "")
}

// testGuest builds and runs testdata/guest with multiplier mult and checks
// that it printed first, then the events and map results.
func testGuest(t *testing.T, guest string, mult int, first string) {
	res := buildGuest(t, guest)
	module, err := os.ReadFile(res.Module)
	if err != nil {
		t.Fatal(err)
	}
	bpftest.NoLeaks(t, "on_prctl")
	const n = 5
	got := runGuest(t, module, n, guest, fmt.Sprint(os.Getpid()), fmt.Sprint(n), fmt.Sprint(mult))
	if want := first + wantEvents(n, mult); got != want {
		t.Errorf("guest printed\n%s\nwant\n%s", got, want)
	}
}

// TestGoGuestOwnGoMod builds the Go guest from a project with its own go.mod
// (requiring nomia through a replace, as the SDK's README says): Build uses
// it as it is, needs no NomiaModule, and generates no go.mod.
func TestGoGuestOwnGoMod(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	if _, err := exec.LookPath(bpftest.Clang()); err != nil {
		t.Skipf("%s is not installed", bpftest.Clang())
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := project(t, "goguest")
	gomod := "module example.com/mytool\n\ngo 1.24\n\nrequire nomia.dev/nomia v0.0.0\n\nreplace nomia.dev/nomia => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if want := []string{filepath.Join(dir, "probe.bpf.o"), filepath.Join(dir, "probe_bpf.go")}; strings.Join(res.Generated, " ") != strings.Join(want, " ") {
		t.Errorf("Generated = %q, want %q", res.Generated, want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err != nil || !strings.HasPrefix(string(b), "module example.com/mytool\n") {
		t.Errorf("go.mod after the build: %q, %v", b, err)
	}
	if b, err := os.ReadFile(res.Module); err != nil || !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Errorf("%s is not a WebAssembly module: %v", res.Module, err)
	}
}

// TestShadowingHeader checks that a copy of wasm-bpf's header in the project
// is refused with a hint before anything is compiled.
func TestShadowingHeader(t *testing.T) {
	dir := project(t, "cguest")
	if err := os.WriteFile(filepath.Join(dir, "libbpf-wasm.h"), []byte("/* wasm-bpf's */\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "libbpf-wasm.h there would shadow nomia's: remove it") {
		t.Errorf("Build = %v, want the shadowing error", err)
	}
}
