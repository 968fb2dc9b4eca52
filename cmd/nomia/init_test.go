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
	var out strings.Builder
	root := newRootCmd()
	root.SetArgs([]string{"init", "--dir", parent, "-t", "xdp", "counter"})
	root.SetOut(&out)
	if err := root.Execute(); err != nil {
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
	if out.String() != want {
		t.Errorf("init printed:\n%s\nwant:\n%s", out.String(), want)
	}
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
		{[]string{"init"}, "init: NAME missing: usage: nomia init NAME"},
		{[]string{"init", "a", "b"}, `init: one NAME at a time, got 2 ("b" …)`},
		{[]string{"init", "--dir", parent, "taken"}, "init: " + filepath.Join(parent, "taken") + " already exists: nomia init never overwrites; pick another name or --dir, or remove it"},
		{[]string{"init", "--dir", parent, "my-tool"}, `init: project name "my-tool" is not a C identifier`},
		{[]string{"init", "--dir", parent, "-t", "kprobe", "x"}, `init: unknown template "kprobe": choose one of histogram, ringbuf, tracepoint, wasm, xdp`},
		{[]string{"init", "--dir", filepath.Join(parent, "nope"), "x"}, "does not exist (create it, or choose another with --dir)"},
	} {
		root := newRootCmd()
		root.SetArgs(tc.args)
		root.SetOut(&strings.Builder{})
		root.SetErr(&strings.Builder{})
		err := root.Execute()
		if err == nil {
			t.Errorf("%q: no error", tc.args)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q: error %q, want one line containing %q", tc.args, msg, tc.want)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("failed inits left %d entries in %s, want only taken/", len(entries), parent)
	}
}
