package attachtest_test

import (
	"os"
	"testing"

	"nomia.dev/nomia/attach/attachtest"
)

// A package's tests run in a private mount namespace, compile their BPF C once
// per process, and check that nothing they loaded stays loaded.
func Example() {
	_ = func(m *testing.M) { os.Exit(attachtest.PrivateMounts(m)) } // TestMain
	_ = func(t *testing.T) {
		spec := attachtest.Compile(t, "testdata/prog.bpf.c", `TARGET="/bin/true"`)
		attachtest.NoLeaks(t, "prog_name")
		_ = spec
	}
}
