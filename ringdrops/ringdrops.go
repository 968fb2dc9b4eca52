// Package ringdrops counts the records a BPF program could not put into a ring
// buffer. The kernel tells user space nothing when bpf_ringbuf_reserve or
// bpf_ringbuf_output fails on a full ring — the program sees NULL or an error and
// usually drops the record silently — so nomia rewrites the program before load:
// after each such call it adds a branch, taken only on failure, that adds one to
// a per-ring counter in a small array map nomia owns. The success path gains one
// untaken branch.
package ringdrops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// MapName is the array map the counters live in: one u64 per ring buffer map.
const MapName = "nomia_rb_lost"

// Counter reads the failure counts of the ring buffers it instrumented.
type Counter struct {
	rings []string // ring buffer map names, in counter order
}

// Instrument rewrites every program of spec that reserves or outputs into a ring
// buffer, and adds the counter map. It returns nil when spec has no such call.
// Calls whose ring cannot be told from the instructions (the map pointer came
// through another register or from memory) count under the name "?".
func Instrument(spec *ebpf.CollectionSpec) (*Counter, error) {
	if _, taken := spec.Maps[MapName]; taken {
		return nil, fmt.Errorf("ringdrops: the object already has a map named %s", MapName)
	}
	c := &Counter{}
	rewritten := map[string]asm.Instructions{}
	for _, name := range sortedKeys(spec.Programs) {
		insns, err := c.rewrite(spec.Programs[name].Instructions, spec.Maps)
		if err != nil {
			// Leave spec as it was: counting is a bonus, loading is not.
			return nil, fmt.Errorf("ringdrops: program %s: %w", name, err)
		}
		rewritten[name] = insns
	}
	if len(c.rings) == 0 {
		return nil, nil
	}
	for name, insns := range rewritten {
		spec.Programs[name].Instructions = insns
	}
	spec.Maps[MapName] = &ebpf.MapSpec{
		Name:       MapName,
		Type:       ebpf.Array,
		KeySize:    4,
		ValueSize:  uint32(8 * len(c.rings)),
		MaxEntries: 1,
	}
	return c, nil
}

// Read returns the number of failed writes per ring buffer map since load.
func (c *Counter) Read(coll *ebpf.Collection) (map[string]uint64, error) {
	m := coll.Maps[MapName]
	if m == nil {
		return nil, errors.New("ringdrops: the collection has no counter map: was it loaded from the instrumented spec?")
	}
	value := make([]byte, 8*len(c.rings))
	if err := m.Lookup(uint32(0), &value); err != nil {
		return nil, fmt.Errorf("ringdrops: read %s: %w", MapName, err)
	}
	counts := make(map[string]uint64, len(c.rings))
	for i, ring := range c.rings {
		// The kernel writes the counters in the machine's own byte order.
		counts[ring] += binary.NativeEndian.Uint64(value[8*i:])
	}
	return counts, nil
}

// slot returns the counter index for ring, adding one the first time.
func (c *Counter) slot(ring string) int {
	if i := slices.Index(c.rings, ring); i >= 0 {
		return i
	}
	c.rings = append(c.rings, ring)
	return len(c.rings) - 1
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
