package templates_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// nomiaBin is the CLI the end-to-end tests drive: $NOMIA_BIN when set, else
// built once by TestMain from this checkout.
var nomiaBin string

// kernelSkip says why the end-to-end tests cannot run here ("" when they can).
var kernelSkip string

func TestMain(m *testing.M) {
	os.Exit(setUpAndRun(m))
}

// setUpAndRun builds the CLI and runs the tests in a private mount namespace,
// so that a tracefs any CLI run of theirs mounts vanishes with them. The
// re-run test binary finds the CLI through $NOMIA_BIN.
func setUpAndRun(m *testing.M) int {
	kernelSkip = missingPrerequisite()
	if kernelSkip != "" {
		return m.Run()
	}
	if nomiaBin = os.Getenv("NOMIA_BIN"); nomiaBin != "" {
		return bpftest.PrivateMounts(m)
	}
	dir, err := os.MkdirTemp("", "nomia-templates-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "templates: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	nomiaBin = filepath.Join(dir, "nomia")
	// The test runs in templates/; the CLI's main package is ../cmd/nomia.
	build := exec.Command("go", "build", "-o", nomiaBin, "../cmd/nomia")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "templates: building the nomia CLI failed: %v\n%s", err, out)
		return 1
	}
	os.Setenv("NOMIA_BIN", nomiaBin)
	return bpftest.PrivateMounts(m)
}

// missingPrerequisite names what building and running a project needs and
// this machine lacks.
func missingPrerequisite() string {
	switch {
	case os.Geteuid() != 0:
		return "not root: loading eBPF programs needs root"
	case !exists("/sys/kernel/btf/vmlinux"):
		return "no kernel BTF at /sys/kernel/btf/vmlinux: nomia build makes vmlinux.h from it"
	}
	// clang compiles, bpftool writes vmlinux.h, go builds the CLI and the wasm guest.
	for _, tool := range []string{"clang", "bpftool", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not installed"
		}
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// newProject runs `nomia init` for template tmpl in a fresh temp dir and
// then `nomia build` exactly as the command's own output says, and returns
// the project directory.
func newProject(t *testing.T, tmpl, name string) string {
	t.Helper()
	if kernelSkip != "" {
		t.Skip(kernelSkip)
	}
	parent := t.TempDir()
	out := nomia(t, "init", "--dir", parent, "--template", tmpl, name)
	dir := filepath.Join(parent, name)
	build := "nomia build " + filepath.Join(dir, name+".bpf.c")
	if !strings.Contains(out, "\n  "+build+"\n") {
		t.Fatalf("nomia init did not print the build command %q:\n%s", build, out)
	}
	nomia(t, strings.Fields(build)[1:]...)
	return dir
}

// nomia runs the CLI to completion and returns its combined output.
func nomia(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(nomiaBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("nomia %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// uniqueProgram copies the system program src into a temp dir under a name
// no other process on the machine uses, prefix plus this test process's id,
// and returns its path and that name as the kernel keeps it (15 bytes).
func uniqueProgram(t *testing.T, src, prefix string) (path, comm string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Skipf("%s is needed as a workload: %v", src, err)
	}
	name := fmt.Sprintf("%s%d", prefix, os.Getpid())
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path, truncate(name, 15)
}

// truncate cuts s to n bytes, as the kernel cuts a process's name to 15.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
