package decode

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
)

// findStruct returns the struct called name from spec's BTF.
func findStruct(t *testing.T, spec *ebpf.CollectionSpec, name string) *btf.Struct {
	t.Helper()
	var s *btf.Struct
	if spec.Types == nil {
		t.Fatal("object has no BTF")
	}
	if err := spec.Types.TypeByName(name, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// ensureTracefs mounts tracefs for the test when the machine has not, and unmounts
// it afterwards: tracepoints cannot be attached without it.
func ensureTracefs(t *testing.T) {
	t.Helper()
	const dir = "/sys/kernel/tracing"
	if _, err := os.Stat(dir + "/events"); err == nil {
		return
	}
	if err := unix.Mount("nodev", dir, "tracefs", 0, ""); err != nil {
		t.Skipf("tracefs is not mounted and mounting it failed: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, 0) })
}

// tracedEvents compiles src, attaches its program prog to tracepoint group/name and
// returns a decoder for its struct event and a reader of its ring buffer "events".
// It skips the test when not root; everything is released when the test ends.
func tracedEvents(t *testing.T, src, prog, group, name string) (*Decoder, *ringbuf.Reader) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to load BPF programs")
	}
	spec := bpftest.Compile(t, src)
	ensureTracefs(t)
	d, err := New(findStruct(t, spec, "event"))
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(coll.Close)
	tp, err := link.Tracepoint(group, name, coll.Programs[prog], nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tp.Close() })
	rd, err := ringbuf.NewReader(coll.Maps["events"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rd.Close() })
	return d, rd
}
