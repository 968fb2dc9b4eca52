package eventtype

import (
	"os"
	"path/filepath"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// compileBPF compiles a .bpf.c file the way the brief's fixtures and libbpf-tools
// are built, with extraFlags added, and returns the object bytes.
func compileBPF(t testing.TB, src string, extraFlags ...string) []byte {
	t.Helper()
	return bpftest.Object(t, src, bpftest.Options{Flags: extraFlags})
}

// fixture compiles testdata/NAME.bpf.c.
func fixture(t testing.TB, name string, extraFlags ...string) []byte {
	t.Helper()
	return compileBPF(t, filepath.Join("testdata", name+".bpf.c"), extraFlags...)
}

// compileWithout compiles a fixture with one default flag removed.
func compileWithout(t testing.TB, name, drop string) []byte {
	t.Helper()
	return bpftest.Object(t, filepath.Join("testdata", name+".bpf.c"), bpftest.Options{Omit: []string{drop}})
}

// compileSource compiles C source written inline in a test, with testdata on the
// include path for common.h.
func compileSource(t testing.TB, src string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inline.bpf.c")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return compileBPF(t, path, "-I"+abs)
}
