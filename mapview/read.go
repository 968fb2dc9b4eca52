package mapview

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/decode"
)

// entry is one key and its value, per-CPU values already summed.
type entry struct {
	key, value []byte
}

// contents returns the view's non-zero entries from coll and the kind this
// print renders them as: the planned kind, except that a histogram whose
// entries all have empty slots prints as a table of its other fields
// (hardirqs without -d counts and times, leaving the slots alone). Entries
// come sorted for that kind: tables by their count, largest first,
// histograms by key.
func (v *View) contents(coll *ebpf.Collection) ([]entry, Kind, error) {
	var (
		es  []entry
		err error
	)
	if v.global != nil {
		es, err = v.readGlobal(coll)
	} else {
		es, err = v.readMap(coll)
	}
	if err != nil {
		return nil, v.kind, err
	}
	kind := v.kind
	if kind != Table && v.rest != nil && len(es) > 0 && !slices.ContainsFunc(es, v.hasSlots) {
		kind = Table
	}
	v.sort(es, kind)
	return es, kind, nil
}

// hasSlots reports whether any bucket of a histogram entry counts something.
func (v *View) hasSlots(e entry) bool {
	s := v.slots
	return !allZero(e.value[s.offset : s.offset+s.n*s.elem])
}

// valueDecoders returns the text and JSON decoders of a table's value: the
// whole value, or a histogram's other fields when it prints as a table.
func (v *View) valueDecoders(kind Kind) (text, js *decode.Decoder) {
	if kind == Table && v.kind != Table {
		return v.rest, v.restJSON
	}
	return v.valueText, v.valueJSON
}

// readMap iterates the map, skipping all-zero values (untouched array slots).
func (v *View) readMap(coll *ebpf.Collection) ([]entry, error) {
	m, err := v.loadedMap(coll)
	if err != nil {
		return nil, err
	}
	var es []entry
	key := make([]byte, v.keySize)
	if v.perCPU {
		var values [][]byte
		it := m.Iterate()
		for it.Next(&key, &values) {
			value := v.sumCPUs(values)
			if !allZero(value) {
				es = append(es, entry{key: bytes.Clone(key), value: value})
			}
		}
		return es, v.iterErr(it.Err())
	}
	if es, err := v.readBatch(m); err == nil {
		return es, nil
	}
	// Kernels without batch lookups for this map type, or a hash bucket
	// larger than the batch: walk key by key.
	value := make([]byte, v.valueSize)
	it := m.Iterate()
	for it.Next(&key, &value) {
		if !allZero(value) {
			es = append(es, entry{key: bytes.Clone(key), value: bytes.Clone(value)})
		}
	}
	return es, v.iterErr(it.Err())
}

// maxBatch bounds the entries one batch lookup returns, and so its buffers.
const maxBatch = 4096

// readBatch reads a map that is not per-CPU with BPF_MAP_LOOKUP_BATCH: a few
// syscalls for the whole map instead of two per key, which is most of a large
// table's print time.
func (v *View) readBatch(m *ebpf.Map) ([]entry, error) {
	n := max(1, min(int(m.MaxEntries()), maxBatch))
	// Slices of fixed-size byte arrays: the element size tells cilium/ebpf the
	// key and value sizes, which vary per map.
	keys := reflect.MakeSlice(reflect.SliceOf(reflect.ArrayOf(v.keySize, byteType)), n, n)
	values := reflect.MakeSlice(reflect.SliceOf(reflect.ArrayOf(v.valueSize, byteType)), n, n)
	var (
		es     []entry
		cursor ebpf.MapBatchCursor
	)
	for {
		got, err := m.BatchLookup(&cursor, keys.Interface(), values.Interface(), nil)
		for i := range min(got, n) {
			if value := values.Index(i).Bytes(); !allZero(value) {
				es = append(es, entry{key: bytes.Clone(keys.Index(i).Bytes()), value: bytes.Clone(value)})
			}
		}
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return es, nil // the end of the map
		}
		if err != nil {
			return nil, err
		}
	}
}

var byteType = reflect.TypeFor[byte]()

func (v *View) iterErr(err error) error {
	if err != nil {
		return fmt.Errorf("mapview: read map %s: %w", v.name, err)
	}
	return nil
}

// loadedMap finds the view's map in coll.
func (v *View) loadedMap(coll *ebpf.Collection) (*ebpf.Map, error) {
	m := coll.Maps[v.mapName]
	if m == nil {
		return nil, fmt.Errorf("mapview: the collection has no map %s: load it from the spec the view was planned from", v.mapName)
	}
	return m, nil
}

// readGlobal reads a .bss/.data variable; each element of an array is an
// entry keyed by its index.
func (v *View) readGlobal(coll *ebpf.Collection) ([]entry, error) {
	buf, err := v.globalBytes(coll)
	if err != nil {
		return nil, err
	}
	var es []entry
	for i := 0; i < v.global.count && (i+1)*v.valueSize <= len(buf); i++ {
		value := buf[i*v.valueSize : (i+1)*v.valueSize]
		if !allZero(value) {
			es = append(es, entry{key: []byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)}, value: value})
		}
	}
	return es, nil
}

// globalBytes copies the variable's current bytes from the kernel.
func (v *View) globalBytes(coll *ebpf.Collection) ([]byte, error) {
	gv := coll.Variables[v.global.name]
	if gv == nil {
		return nil, fmt.Errorf("mapview: the collection has no global %s: load it from the spec the view was planned from", v.global.name)
	}
	buf := make([]byte, gv.Size())
	if err := gv.Get(buf); err != nil {
		return nil, fmt.Errorf("mapview: read global %s: %w", v.global.name, err)
	}
	return buf, nil
}

// sumCPUs adds the integers of each CPU's value and takes other bytes
// (strings) from the first CPU that set them.
func (v *View) sumCPUs(values [][]byte) []byte {
	out := make([]byte, v.valueSize)
	for _, val := range values {
		if len(val) < v.valueSize {
			continue
		}
		for _, l := range v.sum {
			dst, src := out[l.offset:l.offset+l.size], val[l.offset:l.offset+l.size]
			switch {
			case l.integer:
				addUint(dst, src)
			case allZero(dst):
				copy(dst, src)
			}
		}
	}
	return out
}

// sort orders tables by count, largest first, and histograms by key; ties
// and countless tables go by key, so output is stable between prints.
func (v *View) sort(es []entry, kind Kind) {
	slices.SortFunc(es, func(a, b entry) int {
		if kind == Table && v.count != nil {
			if c := v.count.compare(b.value, a.value); c != 0 {
				return c // largest first
			}
		}
		return v.compareKeys(a.key, b.key)
	})
}

// compareKeys orders integer keys by value, others by their bytes.
func (v *View) compareKeys(a, b []byte) int {
	if len(a) <= 8 && len(a) == len(b) {
		ua, ub := readUint(a), readUint(b)
		switch {
		case ua < ub:
			return -1
		case ua > ub:
			return 1
		}
		return 0
	}
	return bytes.Compare(a, b)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Clear empties the map, or zeroes the global, after a print (--clear,
// sample.clear_map). Arrays cannot lose keys, so their values become zero.
func (v *View) Clear(coll *ebpf.Collection) error {
	if v.global != nil {
		buf, err := v.globalBytes(coll)
		if err != nil {
			return err
		}
		clear(buf)
		if err := coll.Variables[v.global.name].Set(buf); err != nil {
			return fmt.Errorf("mapview: clear global %s: %w", v.name, err)
		}
		return nil
	}
	m, err := v.loadedMap(coll)
	if err != nil {
		return err
	}
	keys, err := v.keys(m)
	if err != nil {
		return err
	}
	zero := v.zeroValue()
	for _, k := range keys {
		if v.clearByPut {
			err = m.Put(k, zero)
		} else if err = m.Delete(k); errors.Is(err, ebpf.ErrKeyNotExist) {
			err = nil // the program deleted it meanwhile
		}
		if err != nil {
			return fmt.Errorf("mapview: clear map %s: %w", v.name, err)
		}
	}
	return nil
}

// zeroValue is the value Put needs to zero an array slot: one per CPU for a
// per-CPU array.
func (v *View) zeroValue() any {
	if !v.perCPU {
		return make([]byte, v.valueSize)
	}
	n, err := ebpf.PossibleCPU()
	if err != nil || n < 1 {
		n = 1
	}
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = make([]byte, v.valueSize)
	}
	return vals
}

// keys lists the map's keys, so that deleting them does not disturb the walk.
func (v *View) keys(m *ebpf.Map) ([][]byte, error) {
	var (
		keys [][]byte
		prev any // nil asks for the first key
	)
	for {
		next := make([]byte, v.keySize)
		err := m.NextKey(prev, &next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return keys, nil
		}
		if err != nil {
			return nil, v.iterErr(err)
		}
		keys = append(keys, next)
		prev = next
	}
}
