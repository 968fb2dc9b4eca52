package bpftest_test

import (
	"os"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// A package's tests run in a private mount namespace, compile their BPF C once
// per process, and check that nothing they loaded stays loaded.
func Example() {
	_ = func(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) } // TestMain
	_ = func(t *testing.T) {
		spec := bpftest.Compile(t, "testdata/prog.bpf.c", `TARGET="/bin/true"`)
		bpftest.NoLeaks(t, "prog_name")
		_ = spec
	}
}

// Tests that look at the object file itself take its bytes, and may add clang
// flags or leave a default one out.
func ExampleObject() {
	_ = func(t *testing.T) {
		dwarf4 := bpftest.Object(t, "testdata/prog.bpf.c", bpftest.Options{Flags: []string{"-gdwarf-4"}})
		noDebug := bpftest.Object(t, "testdata/prog.bpf.c", bpftest.Options{Omit: []string{"-g"}})
		_, _ = dwarf4, noDebug
	}
}
