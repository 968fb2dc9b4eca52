package source

import (
	"strings"
	"testing"

	"nomia.dev/nomia/registry"
)

// FuzzClassify checks that any SOURCE argument is classified without panics
// and consistently: an OCI reference parses and prints back to itself, a URL
// has its scheme. The seed corpus is in testdata/fuzz/FuzzClassify.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"-", "package.json", "x.bpf.c", "https://h/p.json", "localhost:5000/tools/x:v1",
		"ghcr.io/org/x@sha256:" + strings.Repeat("0", 64), "tools/x", "x@sha256:abc", "::/:", "http://",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		switch Classify(arg) {
		case OCI:
			ref, err := registry.ParseReference(arg)
			if err != nil {
				t.Fatalf("%q classified as OCI but does not parse: %v", arg, err)
			}
			again, err := registry.ParseReference(ref.String())
			if err != nil || again.String() != ref.String() {
				t.Fatalf("%q → %q → %q, %v: not stable", arg, ref.String(), again.String(), err)
			}
		case URL:
			if !strings.HasPrefix(arg, "http://") && !strings.HasPrefix(arg, "https://") {
				t.Fatalf("%q classified as a URL", arg)
			}
		case Stdin:
			if arg != "-" {
				t.Fatalf("%q classified as stdin", arg)
			}
		}
	})
}
