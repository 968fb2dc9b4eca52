package mapview

import (
	"errors"
	"io"
	"os/exec"
	"strconv"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// benchView plans and loads a one-map spec, fills it with fill, and returns
// the map's view.
func benchView(b *testing.B, ms *ebpf.MapSpec, fill func(*ebpf.Map) error) (*View, *ebpf.Collection) {
	b.Helper()
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{ms.Name: ms}}
	views, err := Plan(spec, nil, Options{Names: []string{ms.Name}})
	if err != nil {
		b.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		b.Skipf("cannot create BPF maps here: %v", err)
	}
	b.Cleanup(coll.Close)
	if err := fill(coll.Maps[ms.Name]); err != nil {
		b.Fatal(err)
	}
	return views[0], coll
}

// BenchmarkTable10k renders a hash map of 10,000 struct keys and values,
// sorted by count: one print of syscount or profile on a busy machine.
func BenchmarkTable10k(b *testing.B) {
	v, coll := table10k(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.WriteText(io.Discard, coll); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLog2Hist64 renders one 64-slot histogram read from an array map.
func BenchmarkLog2Hist64(b *testing.B) {
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	hist := &btf.Struct{Name: "hist", Size: 64 * 8, Members: []btf.Member{
		{Name: "slots", Type: &btf.Array{Type: &btf.Int{Name: "unsigned long long", Size: 8}, Index: u32, Nelems: 64}},
	}}
	v, coll := benchView(b, &ebpf.MapSpec{Name: "hist", Type: ebpf.Array, KeySize: 4, ValueSize: 64 * 8, MaxEntries: 1, Key: u32, Value: hist},
		func(m *ebpf.Map) error {
			var slots [64]uint64
			for i := range slots {
				slots[i] = uint64(i*i + 1)
			}
			return m.Put(uint32(0), slots)
		})
	b.ReportAllocs()
	for b.Loop() {
		if err := v.WriteText(io.Discard, coll); err != nil {
			b.Fatal(err)
		}
	}
}

// table10k is BenchmarkTable10k's map: 10,000 struct keys and values.
func table10k(b *testing.B) (*View, *ebpf.Collection) {
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	u64 := &btf.Int{Name: "unsigned long long", Size: 8}
	key := &btf.Struct{Name: "key", Size: 8, Members: []btf.Member{
		{Name: "pid", Type: u32}, {Name: "id", Type: u32, Offset: 32},
	}}
	value := &btf.Struct{Name: "val", Size: 32, Members: []btf.Member{
		{Name: "count", Type: u64},
		{Name: "total_ns", Type: u64, Offset: 64},
		{Name: "comm", Type: &btf.Array{Type: &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}, Index: u32, Nelems: 16}, Offset: 128},
	}}
	const n = 10000
	return benchView(b, &ebpf.MapSpec{Name: "data", Type: ebpf.Hash, KeySize: 8, ValueSize: 32, MaxEntries: n, Key: key, Value: value},
		func(m *ebpf.Map) error {
			for i := range uint32(n) {
				var val [32]byte
				val[0], val[1] = byte(i), byte(i>>8)
				copy(val[16:], "worker")
				if err := m.Put([2]uint32{i, i % 7}, val); err != nil {
					return err
				}
			}
			return nil
		})
}

// BenchmarkTable10kRead is the floor under BenchmarkTable10k: the same map
// read with batch lookups and nothing else (no decoding, sorting or text).
func BenchmarkTable10kRead(b *testing.B) {
	_, coll := table10k(b)
	m := coll.Maps["data"]
	keys := make([]uint64, 10000)
	values := make([][32]byte, 10000)
	b.ReportAllocs()
	for b.Loop() {
		var cursor ebpf.MapBatchCursor
		total := 0
		for {
			n, err := m.BatchLookup(&cursor, keys[total:], values[total:], nil)
			total += n
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if total != 10000 {
			b.Fatalf("read %d entries, want 10000", total)
		}
	}
}

// BenchmarkTable10kBpftool prints the same map the way a user would without
// nomia, `bpftool map dump id N` (BTF-decoded JSON), as a baseline.
func BenchmarkTable10kBpftool(b *testing.B) {
	_, coll := table10k(b)
	info, err := coll.Maps["data"].Info()
	if err != nil {
		b.Fatal(err)
	}
	id, _ := info.ID()
	if _, err := exec.LookPath("bpftool"); err != nil {
		b.Skip("bpftool not installed")
	}
	for b.Loop() {
		cmd := exec.Command("bpftool", "map", "dump", "id", strconv.Itoa(int(id)))
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
