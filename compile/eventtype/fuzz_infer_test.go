package eventtype

import (
	"os/exec"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// FuzzInfer feeds mutated BPF objects to Infer: whatever the bytes, it must return
// results or an error, never panic.
func FuzzInfer(f *testing.F) {
	if _, err := exec.LookPath(bpftest.Clang()); err == nil {
		for _, name := range []string{"reserve", "heap_varlen", "subprog"} {
			f.Add(fixture(f, name))
		}
	}
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, obj []byte) {
		results, err := Infer(obj, nil)
		for _, r := range results {
			if r.Map == "" || r.Struct == "" || r.Size <= 0 {
				t.Fatalf("incomplete result %+v (err %v)", r, err)
			}
		}
	})
}
