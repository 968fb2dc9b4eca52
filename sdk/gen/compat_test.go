package gen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
)

// probe caches testdata/probe.bpf.c compiled into a package.
var probe struct {
	once sync.Once
	pkg  *bpfpkg.Package
	err  error
}

func probePackage(t *testing.T) *bpfpkg.Package {
	t.Helper()
	if _, err := exec.LookPath(bpftest.Clang()); err != nil {
		t.Skipf("%s is not installed", bpftest.Clang())
	}
	probe.once.Do(func() {
		probe.pkg, probe.err = compile.Build(context.Background(), compile.Options{Source: "testdata/probe.bpf.c"})
	})
	if probe.err != nil {
		t.Fatal(probe.err)
	}
	return probe.pkg
}

// TestGlobals checks the globals table of testdata/probe.bpf.c: each variable
// in its section, in order, at a file offset that holds its initialiser.
func TestGlobals(t *testing.T) {
	pkg := probePackage(t)
	gs, err := Globals(pkg.Object)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 3 || gs[0].Name != "targ_pid" || gs[0].Section != ".rodata" || gs[0].Size != 4 ||
		gs[1].Name != "multiplier" || gs[1].Section != ".data" || gs[1].Size != 8 ||
		gs[2].Name != "flag_offset" || gs[2].Section != ".data.extra" || gs[2].Size != 1 {
		t.Fatalf("Globals = %+v, want targ_pid (.rodata, 4), multiplier (.data, 8), flag_offset (.data.extra, 1)", gs)
	}
	if b := pkg.Object[gs[1].Offset : gs[1].Offset+8]; string(b) != "\x01\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("multiplier's bytes at offset %d = %v, want its initialiser 1", gs[1].Offset, b)
	}
	if b := pkg.Object[gs[0].Offset : gs[0].Offset+4]; string(b) != "\x00\x00\x00\x00" {
		t.Errorf("targ_pid's bytes at offset %d = %v, want 0", gs[0].Offset, b)
	}
}

// TestCompatCompiles compiles testdata/compat/compat.c, which uses the
// libbpf-wasm.h calls wasm-bpf's example guests use, the way they use them,
// against sdk/c's header and the generated skeleton, with -Wall -Wextra
// -Werror: a guest written for wasm-bpf builds unchanged and warning-free.
func TestCompatCompiles(t *testing.T) {
	clang := bpftest.Clang()
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		t.Skip("wasi-libc is not installed (/usr/lib/wasm32-wasi): apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	pkg := probePackage(t)
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
