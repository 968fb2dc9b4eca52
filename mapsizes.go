package nomia

import (
	"fmt"
	"io"

	"github.com/cilium/ebpf"
)

// Sizes given to maps whose object leaves them at zero. libbpf-tools declare
// some maps without max_entries (and stack maps without a value size) because
// their user space sizes them before load; these are the defaults those tools
// use: 1024 stacks of up to 127 frames, 10240 entries elsewhere.
const (
	defaultMaxEntries      = 10240
	defaultStackMaxEntries = 1024
	defaultStackDepth      = 127
)

// sizedByUserSpace lists map types for which zero entries means "set later";
// for others (task/inode/socket storage) zero is the only valid size.
var sizedByUserSpace = map[ebpf.MapType]bool{
	ebpf.Hash: true, ebpf.PerCPUHash: true, ebpf.LRUHash: true, ebpf.LRUCPUHash: true,
	ebpf.Array: true, ebpf.PerCPUArray: true, ebpf.LPMTrie: true, ebpf.Queue: true,
	ebpf.Stack: true, ebpf.StackTrace: true,
}

// fillMapSizes gives sizes to the maps spec leaves unsized, with one note each.
func fillMapSizes(spec *ebpf.CollectionSpec, notes io.Writer) {
	for _, name := range sortedMapNames(spec) {
		m := spec.Maps[name]
		if m.MaxEntries != 0 || !sizedByUserSpace[m.Type] {
			continue
		}
		m.MaxEntries = defaultMaxEntries
		if m.Type == ebpf.StackTrace {
			m.MaxEntries = defaultStackMaxEntries
			if m.ValueSize == 0 {
				m.ValueSize = defaultStackDepth * 8
			}
		}
		fmt.Fprintf(notes, "nomia: map %s: the object leaves its size to user space; using %d entries\n", name, m.MaxEntries)
	}
}
