package load

import (
	"bytes"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/internal/bpftest"
)

// TestTypedefKconfig loads a program declaring its kconfig extern through a
// typedef, as libbpf-tools' biosnoop does, which cilium/ebpf alone refuses.
func TestTypedefKconfig(t *testing.T) {
	// A spec fresh from the object, as packages give: cilium/ebpf's .kconfig map
	// refers to the spec's own types, which a copied spec no longer shares.
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(bpftest.Object(t, "testdata/kconfig.bpf.c", bpftest.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var version uint32
	if err := r.Collection.Variables["seen_version"].Get(&version); err != nil {
		t.Fatal(err)
	}
	if version != 0 {
		t.Errorf("seen_version %d before any run", version)
	}
	ret, err := r.Collection.Programs["kversion"].Run(&ebpf.RunOptions{Data: make([]byte, 64)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Collection.Variables["seen_version"].Get(&version); err != nil {
		t.Fatal(err)
	}
	if version>>16 < 4 || ret != 2 {
		t.Errorf("LINUX_KERNEL_VERSION read as %#x (ret %d): want the running kernel's", version, ret)
	}
}
