package nomia

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/decode"
)

func TestGrowRingBuffers(t *testing.T) {
	page := uint32(os.Getpagesize())
	spec := func() *ebpf.CollectionSpec {
		return &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
			"opensnoop": {Type: ebpf.RingBuf, MaxEntries: 256 << 10},
			"tiny":      {Type: ebpf.RingBuf, MaxEntries: page},
			"untyped":   {Type: ebpf.RingBuf, MaxEntries: page},
			"large":     {Type: ebpf.RingBuf, MaxEntries: 64 << 20},
			"hash":      {Type: ebpf.Hash, MaxEntries: 16},
		}}
	}
	sizes := map[string]uint32{"opensnoop": 8232, "tiny": 64, "large": 8232}

	s := spec()
	if err := growRingBuffers(s, 0, sizes); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{
		// 128 × (8232 + 8) bytes = 1.05 MB, rounded up to a power of two.
		"opensnoop": 2 << 20,
		// 128 × 72 bytes = 9 KiB: a page-sized ring grows to 16 KiB.
		"tiny":    16 << 10,
		"untyped": page,
		"large":   64 << 20,
		"hash":    16,
	} {
		if got := s.Maps[name].MaxEntries; got != want {
			t.Errorf("default sizing: %s has %d entries, want %d", name, got, want)
		}
	}

	s = spec()
	if err := growRingBuffers(s, 4<<20, sizes); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{"opensnoop": 4 << 20, "untyped": 4 << 20, "large": 64 << 20, "hash": 16} {
		if got := s.Maps[name].MaxEntries; got != want {
			t.Errorf("explicit 4M: %s has %d entries, want %d", name, got, want)
		}
	}
	for _, bad := range []uint32{3 << 20, 100} {
		if err := growRingBuffers(spec(), bad, sizes); err == nil {
			t.Errorf("size %d accepted", bad)
		}
	}
}

func TestRingForRecords(t *testing.T) {
	for _, c := range []struct{ event, want uint32 }{
		{0, 0},
		{1, 4096},       // 128 × 16 bytes fits a page
		{56, 8192},      // 128 × 64 = 8 KiB exactly
		{57, 16384},     // 128 × 72 just above
		{1 << 30, 0},    // would exceed 1 GiB: leave it
		{8232, 2 << 20}, // opensnoop
	} {
		if got := ringForRecords(c.event, 4096); got != c.want {
			t.Errorf("ringForRecords(%d) = %d, want %d", c.event, got, c.want)
		}
	}
}

func TestEventSizes(t *testing.T) {
	u64 := &btf.Int{Name: "u64", Size: 8}
	ev := &btf.Struct{Name: "event", Size: 24, Members: []btf.Member{
		{Name: "a", Type: u64}, {Name: "b", Type: u64, Offset: 64}, {Name: "c", Type: u64, Offset: 128},
	}}
	d, err := decode.New(ev)
	if err != nil {
		t.Fatal(err)
	}
	sizes := eventSizes([]stream{{name: "events", typ: ev, decoder: d}, {name: "untyped"}})
	if len(sizes) != 1 || sizes["events"] != 24 {
		t.Errorf("eventSizes = %v, want map[events:24]", sizes)
	}
}
