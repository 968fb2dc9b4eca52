package bpftest

import (
	"os"
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

// RequireKernel skips the test unless it can load eBPF programs and build
// them: root, clang and bpftool.
func RequireKernel(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to load eBPF programs")
	}
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run .ci/setup", tool)
		}
	}
}
