package nomia

import (
	"testing"

	"github.com/cilium/ebpf"
)

func TestGrowRingBuffers(t *testing.T) {
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"small": {Type: ebpf.RingBuf, MaxEntries: 256 << 10},
		"large": {Type: ebpf.RingBuf, MaxEntries: 64 << 20},
		"hash":  {Type: ebpf.Hash, MaxEntries: 16},
	}}
	if err := growRingBuffers(spec, 0); err != nil {
		t.Fatal(err)
	}
	if got := spec.Maps["small"].MaxEntries; got != DefaultRingBufSize {
		t.Errorf("small ring: %d, want %d", got, DefaultRingBufSize)
	}
	if got := spec.Maps["large"].MaxEntries; got != 64<<20 {
		t.Errorf("large ring shrunk to %d", got)
	}
	if got := spec.Maps["hash"].MaxEntries; got != 16 {
		t.Errorf("hash map resized to %d", got)
	}
	for _, bad := range []uint32{3 << 20, 100} {
		if err := growRingBuffers(spec, bad); err == nil {
			t.Errorf("size %d accepted", bad)
		}
	}
}
