package load

import (
	"os"
	"runtime"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/internal/bpftest"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// programNames are all programs of testdata/twins.bpf.c, for the leak check.
var programNames = []string{"nt_btf_bad", "nt_raw", "nt_good_btf", "nt_good_raw", "nt_fentry", "nt_kprobe", "nt_tp", "nt_past", "nt_iter", "nt_raw_getpid", "nt_missing_tp", "nt_missing_fentry", "nt_missing_kprobe"}

// twinsSpec compiles testdata/twins.bpf.c, keeps only the named programs, sets
// nt_tgid to the test process, and checks after the test that none of its
// programs is left loaded.
func twinsSpec(t testing.TB, keep ...string) *ebpf.CollectionSpec {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("test programs are written for x86_64")
	}
	spec := bpftest.Compile(t, "testdata/twins.bpf.c")
	bpftest.NoLeaks(t, programNames...)
	wanted := map[string]bool{}
	for _, k := range keep {
		wanted[k] = true
	}
	for name := range spec.Programs {
		if !wanted[name] {
			delete(spec.Programs, name)
		}
	}
	if err := spec.Variables["nt_tgid"].Set(uint32(os.Getpid())); err != nil {
		t.Fatal(err)
	}
	return spec
}

// start runs Start and closes the result when the test ends.
func start(t *testing.T, spec *ebpf.CollectionSpec, opts Options) *Running {
	t.Helper()
	r, err := Start(spec, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// count reads slot of the counts map.
func count(t *testing.T, r *Running, slot uint32) uint64 {
	t.Helper()
	var v uint64
	if err := r.Collection.Maps["counts"].Lookup(slot, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
