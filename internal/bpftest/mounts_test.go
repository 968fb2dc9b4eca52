package bpftest

import (
	"slices"
	"strings"
	"testing"
)

// lastValue returns the value exec.Cmd uses for key: the last one in env.
func lastValue(env []string, key string) string {
	var v string
	for _, kv := range env {
		if rest, ok := strings.CutPrefix(kv, key+"="); ok {
			v = rest
		}
	}
	return v
}

// A re-run test binary keeps the caller's GODEBUG settings, adds asyncpreemptoff
// once, and gets the extra variables.
func TestChildEnvTurnsOffAsyncPreemption(t *testing.T) {
	for _, tc := range []struct{ parent, want string }{
		{"", "asyncpreemptoff=1"},
		{"madvdontneed=1", "madvdontneed=1,asyncpreemptoff=1"},
		{"asyncpreemptoff=1", "asyncpreemptoff=1"},
	} {
		t.Setenv("GODEBUG", tc.parent)
		env := childEnv("NT_EXTRA=1")
		if got := lastValue(env, "GODEBUG"); got != tc.want {
			t.Errorf("GODEBUG=%q in the parent: child has GODEBUG=%q, want %q", tc.parent, got, tc.want)
		}
		if got := lastValue(env, privateEnv); got != "1" {
			t.Errorf("child has %s=%q, want 1", privateEnv, got)
		}
		if !slices.Contains(env, "NT_EXTRA=1") {
			t.Errorf("extra variable missing from the child's environment")
		}
	}
}
