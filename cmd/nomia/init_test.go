package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit runs `nomia init` in-process and checks the project it writes
// and the next steps it prints.
func TestInit(t *testing.T) {
	parent := t.TempDir()
	out, err := initCmd("--dir", parent, "-t", "xdp", "counter")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "counter")
	for _, f := range []string{"counter.bpf.c", "counter.h", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("init wrote no %s: %v", f, err)
		}
	}
	want := "created " + dir + " from the xdp template: README.md counter.bpf.c counter.h\nnext, as root:\n" +
		"  nomia build " + filepath.Join(dir, "counter.bpf.c") + "\n" +
		"  nomia run --iface lo --interval 1s " + filepath.Join(dir, "package.json") + "\n"
	if out != want {
		t.Errorf("init printed:\n%s\nwant:\n%s", out, want)
	}
}

// initCmd runs `nomia init ARGS...` in-process and returns what it printed.
func initCmd(args ...string) (string, error) {
	var out strings.Builder
	root := newRootCmd()
	root.SetArgs(append([]string{"init"}, args...))
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.Execute()
	return out.String(), err
}

// TestInitErrors checks that every refusal is one line that names the
// problem and the way out, and that nothing is left behind.
func TestInitErrors(t *testing.T) {
	parent := t.TempDir()
	if err := os.Mkdir(filepath.Join(parent, "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "init: NAME missing: usage: nomia init NAME"},
		{[]string{"a", "b"}, `init: one NAME at a time, got 2 ("b" …)`},
		{[]string{"--dir", parent, "taken"}, "init: " + filepath.Join(parent, "taken") + " already exists: nomia init never overwrites; pick another name or --dir, or remove it"},
		{[]string{"--dir", parent, "my-tool"}, `init: project name "my-tool" is not a C identifier`},
		{[]string{"--dir", parent, "-t", "kprobe", "x"}, `init: unknown template "kprobe": choose one of histogram, ringbuf, tracepoint, wasm, xdp`},
		{[]string{"--dir", filepath.Join(parent, "nope"), "x"}, "does not exist (create it, or choose another with --dir)"},
	} {
		if _, err := initCmd(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("init %q: error %v, want one line containing %q", tc.args, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("failed inits left %d entries in %s, want only taken/", len(entries), parent)
	}
}
