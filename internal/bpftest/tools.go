package bpftest

import (
	"os/exec"
	"testing"
)

// lookTool finds a tool in $PATH or skips the test.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return p
}
