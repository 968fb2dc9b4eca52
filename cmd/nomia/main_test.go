package main

import (
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
		{[]string{"build", "--event-type", "events", "x.bpf.c"}, `--event-type "events": want MAP=STRUCT`},
		{[]string{"run", "/nonexistent/package.json"}, "source /nonexistent/package.json: no such file"},
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
}
