package registry

import (
	"strings"
	"testing"
)

// FuzzParseReference checks that any string parses or fails with one line,
// that a parsed reference names a registry host and prints back to itself.
// The seed corpus is in testdata/fuzz/FuzzParseReference.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"localhost:5000/tools/x:v1", "ghcr.io/org/x", "x@sha256:abc", "a.b/c@sha256:" + strings.Repeat("f", 64), "[::1]:5000/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseReference(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("%q: error of several lines: %v", s, err)
			}
			return
		}
		if !hasHost(ref.Registry) || ref.Reference == "" {
			t.Fatalf("%q parsed to %+v: no host or no tag", s, ref)
		}
		again, err := ParseReference(ref.String())
		if err != nil || again != ref {
			t.Fatalf("%q → %q → %+v, %v: not stable", s, ref.String(), again, err)
		}
	})
}
