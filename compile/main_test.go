package compile

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"nomia.dev/nomia/bpfpkg"
)

// TestMain gives the run its own vmlinux.h cache: generated once, shared by
// every test, and removed afterwards so no run depends on an earlier one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nomia-compile-test-*")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type buildResult struct {
	pkg *bpfpkg.Package
	err error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*buildResult{}
)

// requireToolchain skips when this machine cannot compile eBPF C at all.
func requireToolchain(t *testing.T) {
	t.Helper()
	if _, err := FindToolchain(context.Background(), "", nil); err != nil {
		t.Skipf("no eBPF toolchain: %v", err)
	}
}

// buildTestdata builds testdata/name once per test run; tests only read the result.
func buildTestdata(t *testing.T, name string) (*bpfpkg.Package, error) {
	t.Helper()
	requireToolchain(t)
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if r, ok := builds[name]; ok {
		return r.pkg, r.err
	}
	pkg, err := Build(context.Background(), Options{Source: filepath.Join("testdata", name)})
	builds[name] = &buildResult{pkg, err}
	return pkg, err
}

func mustBuild(t *testing.T, name string) *bpfpkg.Package {
	t.Helper()
	pkg, err := buildTestdata(t, name)
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return pkg
}

func haveLLVMStrip(t *testing.T) bool {
	tc, err := FindToolchain(context.Background(), "", nil)
	if err != nil {
		return false
	}
	return tc.Strip != ""
}
