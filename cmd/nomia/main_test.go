package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestUsageErrors checks that misuse of the command line gets one line naming
// what is wrong and where to look, not cobra's generic argument counts.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "run: SOURCE missing: usage: nomia run [runner flags] SOURCE [program flags]"},
		{[]string{"build"}, "build: SRC.bpf.c missing: usage: nomia build SRC.bpf.c"},
		{[]string{"build", "a.bpf.c", "b.bpf.c"}, `build: one SRC.bpf.c at a time, got 2 ("b.bpf.c" …)`},
		{[]string{"run", "--bogus", "x.json"}, "run: unknown flag: --bogus (see: nomia run --help)"},
		{[]string{"run", "--ringbuf-size", "huge", "x.json"}, "run: invalid argument \"huge\" for \"--ringbuf-size\""},
		{[]string{"run", "--attach", "handle_entry", "x.json"}, `run: invalid argument "handle_entry" for "--attach" flag: want PROG=TARGET`},
		{[]string{"build", "--event-type", "events", "x.bpf.c"}, `--event-type "events": want MAP=STRUCT`},
		{[]string{"run", "/nonexistent/package.json"}, "source /nonexistent/package.json: no such file"},
		{[]string{"build", "-o", "/nonexistent/dir/x.json", "../../examples/opensnoop/opensnoop.bpf.c"}, "write /nonexistent/dir/x.json: cannot create files in /nonexistent/dir: no such file or directory"},
	} {
		if tc.args[0] == "build" && len(tc.args) > 2 && tc.args[1] == "-o" {
			if _, err := exec.LookPath("clang"); err != nil {
				t.Logf("%q skipped: clang not installed", tc.args)
				continue
			}
		}
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
}

// TestUnknownCommand: a typo gets one line with cobra's suggestion and the
// commands there are.
func TestUnknownCommand(t *testing.T) {
	root := newRootCmd()
	root.SetArgs([]string{"biuld", "x"})
	root.SetOut(&strings.Builder{})
	root.SetErr(&strings.Builder{})
	err := root.Execute()
	if err == nil {
		t.Fatal("no error for an unknown command")
	}
	msg := unknownCommand(err.Error())
	want := `unknown command "biuld" for "nomia" (did you mean build?) (commands: build, images, init, key, login, logout, pull, push, remote, run, serve, version; see: nomia --help)`
	if msg != want {
		t.Errorf("got  %q\nwant %q", msg, want)
	}
}
