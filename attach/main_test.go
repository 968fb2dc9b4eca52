package attach

import (
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/internal/bpftest"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// loadOne compiles testdata/src and loads only the program named prog (plus the
// maps), with the given constants set. It returns the collection, the program
// and its spec; the collection is closed when the test ends, and the test fails
// if the program is still loaded then.
func loadOne(t *testing.T, src, prog string, consts map[string]any, defines ...string) (*ebpf.Collection, *ebpf.Program, *ebpf.ProgramSpec) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("test programs are written for x86_64 (syscall numbers, __TARGET_ARCH_x86)")
	}
	spec := bpftest.Compile(t, "testdata/"+src, defines...)
	bpftest.NoLeaks(t, prog)
	for name := range spec.Programs {
		if name != prog {
			delete(spec.Programs, name)
		}
	}
	for name, v := range consts {
		if err := spec.Variables[name].Set(v); err != nil {
			t.Fatalf("set %s: %v", name, err)
		}
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("load %s: %v", prog, err)
	}
	t.Cleanup(func() { coll.Close() })
	return coll, coll.Programs[prog], spec.Programs[prog]
}

// mustAttach attaches and registers the detach with the test's cleanup.
func mustAttach(t *testing.T, p *ebpf.Program, ps *ebpf.ProgramSpec, tgt Target) Attachment {
	t.Helper()
	a, err := Program(p, ps, tgt)
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// count reads slot of the counts map.
func count(t *testing.T, coll *ebpf.Collection, slot uint32) uint64 {
	t.Helper()
	var v uint64
	if err := coll.Maps["counts"].Lookup(slot, &v); err != nil {
		t.Fatalf("read count %d: %v", slot, err)
	}
	return v
}

// waitCount polls slot until it reaches want (packets and probes may land a
// moment after the action that caused them) and returns the last value.
func waitCount(t *testing.T, coll *ebpf.Collection, slot uint32, want uint64) uint64 {
	t.Helper()
	var got uint64
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = count(t, coll, slot); got >= want {
			break
		}
	}
	return got
}

// closeErr closes a and fails the test on error; Close twice must be harmless
// for the cleanup registered by mustAttach.
func closeErr(t *testing.T, a Attachment) {
	t.Helper()
	if err := a.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		t.Fatalf("detach: %v", err)
	}
}
