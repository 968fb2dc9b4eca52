package decode

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"
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
