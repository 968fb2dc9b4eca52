package bpfpkg

import (
	"os"
	"testing"
)

// FuzzParse feeds arbitrary documents to the parser: it must return an error or a
// package whose object is a BPF ELF, never panic or allocate without bound.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"bpf_object":"eJwDAAAAAAE=","bpf_object_size":0,"meta":{}}`))
	f.Add([]byte(`{"bpf_object":null,"bpf_object_size":null,"meta":null}`))
	if data, err := os.ReadFile("testdata/minimal.json"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkg, err := Parse(data)
		if err != nil {
			return
		}
		if len(pkg.Object) == 0 || len(pkg.Object) > MaxObjectSize {
			t.Fatalf("accepted object of %d bytes", len(pkg.Object))
		}
		if _, err := pkg.Marshal(); err != nil {
			t.Fatalf("accepted package does not marshal: %v", err)
		}
	})
}
