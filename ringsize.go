package nomia

import (
	"fmt"
	"math/bits"
	"os"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/events"
)

// RingRecords is how many of its largest records Start makes every ring buffer
// hold when Options.RingBufSize is 0. Tools size their rings for their own user
// space: opensnoop's 256 KiB ring holds only 31 of its 8 KiB records, so at high
// rates it fills between two reads and the kernel drops records. 128 records give
// the reader a margin of a whole batch while a ring of small records keeps its size
// (and memory: the reader maps a ring's pages twice, so a 2 MiB ring costs 4 MiB
// of RSS).
const RingRecords = 128

// growRingBuffers raises ring buffers of spec: with size 0, each ring whose event
// type is known (sizes, by map name) to hold RingRecords of its records; otherwise
// every ring to at least size bytes. It never shrinks one, since a program may rely
// on its ring being larger.
func growRingBuffers(spec *ebpf.CollectionSpec, size uint32, eventSizes map[string]uint32) error {
	page := uint32(os.Getpagesize())
	if size != 0 && (size < page || size&(size-1) != 0) {
		return fmt.Errorf("ring buffer size %d: must be a power of two of at least the page size (%d)", size, page)
	}
	for name, m := range spec.Maps {
		if m.Type != ebpf.RingBuf {
			continue
		}
		want := size
		if want == 0 {
			want = ringForRecords(eventSizes[name], page)
		}
		if m.MaxEntries < want {
			m.MaxEntries = want
		}
	}
	return nil
}

// ringForRecords is the smallest power-of-two ring, at least a page, that holds
// RingRecords records of eventSize bytes; 0 (leave the ring alone) when the size
// is unknown or the ring would exceed 1 GiB.
func ringForRecords(eventSize, page uint32) uint32 {
	if eventSize == 0 {
		return 0
	}
	need := events.RingRecordBytes(uint64(eventSize)) * RingRecords
	if need > 1<<30 {
		return 0
	}
	return max(page, uint32(1)<<bits.Len64(need-1))
}

// eventSizes maps each event stream with a known type to the type's size, which
// its decoder measured already.
func eventSizes(streams []stream) map[string]uint32 {
	sizes := make(map[string]uint32, len(streams))
	for _, s := range streams {
		if s.decoder != nil && s.decoder.Size() > 0 {
			sizes[s.name] = uint32(s.decoder.Size())
		}
	}
	return sizes
}
