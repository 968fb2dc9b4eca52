package nomia

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
)

// DefaultRingBufSize is the least size Start gives every ring buffer. Tools size
// their rings for their own user space; at high event rates a 256 KiB ring (which
// holds only 31 of opensnoop's 8 KiB records) fills between two reads and the
// kernel drops records without telling anyone. Raising the size costs memory only.
const DefaultRingBufSize = 2 << 20

// growRingBuffers raises every ring buffer of spec to at least size bytes; it never
// shrinks one, since a program may rely on its ring being larger.
func growRingBuffers(spec *ebpf.CollectionSpec, size uint32) error {
	if size == 0 {
		size = DefaultRingBufSize
	}
	page := uint32(os.Getpagesize())
	if size < page || size&(size-1) != 0 {
		return fmt.Errorf("ring buffer size %d: must be a power of two of at least the page size (%d)", size, page)
	}
	for _, m := range spec.Maps {
		if m.Type == ebpf.RingBuf && m.MaxEntries < size {
			m.MaxEntries = size
		}
	}
	return nil
}
