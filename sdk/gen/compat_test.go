package gen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
)

// TestCompatCompiles compiles testdata/compat/compat.c, which uses the
// libbpf-wasm.h calls wasm-bpf's example guests use, the way they use them,
// against sdk/c's header and the generated skeleton, with -Wall -Wextra
// -Werror: a guest written for wasm-bpf builds unchanged and warning-free.
func TestCompatCompiles(t *testing.T) {
	clang := bpftest.Clang()
	if _, err := exec.LookPath(clang); err != nil {
		t.Skipf("%s is not installed", clang)
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		t.Skip("wasi-libc is not installed (/usr/lib/wasm32-wasi): apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/probe.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	skel, err := CSkeleton(pkg, "probe")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := CEvents(pkg, "probe")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"probe.skel.h": skel, "probe.wasm.h": evs} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flags, cleanup, err := CFlags("")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	out := filepath.Join(dir, "compat.wasm")
	args := append(flags, "-O2", "-Wall", "-Wextra", "-Werror", "-I", dir, "testdata/compat/compat.c", "-o", out)
	if msg, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		t.Fatalf("compat.c does not compile against libbpf-wasm.h: %v\n%s", err, msg)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < int64(len(pkg.Object)) {
		t.Fatalf("compat.wasm: %v; want a module holding the %d-byte object", err, len(pkg.Object))
	}
}
