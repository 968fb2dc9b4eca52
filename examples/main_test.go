// Package examples_test runs every bundled example end to end: the nomia CLI
// builds its package, runs it against the real kernel, and the tests check the
// decoded values of events caused by workloads they start themselves.
package examples_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nomiaBin is the CLI built once by TestMain for every test.
var nomiaBin string

// moduleRoot is the directory holding go.mod; examples live in its examples/.
var moduleRoot string

func TestMain(m *testing.M) {
	if reason := missingPrerequisite(); reason != "" {
		fmt.Println("skipping all examples tests:", reason)
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "nomia-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "examples: temp dir:", err)
		os.Exit(1)
	}
	code := buildCLIAndRun(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

// missingPrerequisite names what the end-to-end tests cannot run without.
func missingPrerequisite() string {
	if os.Geteuid() != 0 {
		return "not root: loading eBPF programs needs root"
	}
	for _, tool := range []string{"clang", "bpftool", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not found in PATH"
		}
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		return "no kernel BTF at /sys/kernel/btf/vmlinux"
	}
	return ""
}

func buildCLIAndRun(m *testing.M, dir string) int {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		fmt.Fprintln(os.Stderr, "examples: cannot find the module root:", err)
		return 1
	}
	moduleRoot = filepath.Dir(strings.TrimSpace(string(out)))
	nomiaBin = filepath.Join(dir, "nomia")
	build := exec.Command("go", "build", "-o", nomiaBin, "./cmd/nomia")
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "examples: building the nomia CLI failed: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}
