package wasmbpf

import "fmt"

// mapCmd is a wasm_bpf_map_operate command: the kernel's bpf(2) numbers.
type mapCmd int32

const (
	cmdLookup  mapCmd = 1
	cmdUpdate  mapCmd = 2
	cmdDelete  mapCmd = 3
	cmdNextKey mapCmd = 4
)

// UpdateFlags say whether Update may create or replace an entry (BPF_ANY,
// BPF_NOEXIST, BPF_EXIST).
type UpdateFlags uint64

// Update flags.
const (
	UpdateAny     UpdateFlags = 0 // create or replace
	UpdateNoExist UpdateFlags = 1 // create only
	UpdateExist   UpdateFlags = 2 // replace only
)

// Map is a map of a loaded object. Keys and values are []byte or fixed-size
// Go values (uint32, [16]byte, structs of sized fields …) whose encoding is
// as long as the map's key and value; the host checks the sizes.
type Map struct {
	obj  *Object
	name string
	fd   int32
}

// Name is the map's C variable name.
func (m *Map) Name() string { return m.name }

// FD is the map's descriptor in the host, as wasm_bpf_map_fd_by_name gives it.
func (m *Map) FD() int32 { return m.fd }

// Lookup reads the value of key into value, a pointer to a fixed-size value or
// a []byte of the value's size. A missing key is ErrKeyNotExist.
func (m *Map) Lookup(key, value any) error {
	k, err := m.key(key)
	if err != nil {
		return err
	}
	return m.fetch("lookup", cmdLookup, k, value)
}

// Update sets key to value.
func (m *Map) Update(key, value any, flags UpdateFlags) error {
	k, err := m.key(key)
	if err != nil {
		return err
	}
	n, err := sizeOf(value)
	if err != nil {
		return m.fail("update", err)
	}
	v, err := encode(value, n)
	if err != nil {
		return m.fail("update", err)
	}
	return m.operate("update", cmdUpdate, k, v, nil, uint64(flags))
}

// Delete removes key. A missing key is ErrKeyNotExist.
func (m *Map) Delete(key any) error {
	k, err := m.key(key)
	if err != nil {
		return err
	}
	return m.operate("delete", cmdDelete, k, nil, nil, 0)
}

// NextKey stores the key after key in next (a pointer to a fixed-size value
// or a []byte of the key's size); a nil key asks for the first key. After the
// last key it returns ErrKeyNotExist.
func (m *Map) NextKey(key, next any) error {
	var k []byte
	if key != nil {
		var err error
		if k, err = m.key(key); err != nil {
			return err
		}
	}
	return m.fetch("next key", cmdNextKey, k, next)
}

// fetch runs a command for which the kernel writes a buffer the size of out
// (the value of a lookup, the key of get_next_key), then decodes it into out.
func (m *Map) fetch(what string, cmd mapCmd, key []byte, out any) error {
	n, err := sizeOf(out)
	if err != nil {
		return m.fail(what, err)
	}
	buf := make([]byte, n)
	value, next := buf, []byte(nil)
	if cmd == cmdNextKey {
		value, next = nil, buf
	}
	if err := m.operate(what, cmd, key, value, next, 0); err != nil {
		return err
	}
	return m.wrap(what, decode(buf, out))
}

// Iterate walks the map's entries:
//
//	it := m.Iterate()
//	for it.Next(&key, &value) { … }
//	if err := it.Err(); err != nil { … }
func (m *Map) Iterate() *MapIterator { return &MapIterator{m: m} }

// MapIterator walks a map's keys with NextKey and reads each value. Entries
// deleted during the walk are skipped, as with libbpf.
type MapIterator struct {
	m    *Map
	prev []byte // the last key returned; nil before the first
	err  error
	done bool
}

// Next stores the next entry in key and value (pointers to fixed-size values
// or []byte of the right sizes; value may be nil to walk keys only) and
// reports whether there was one.
func (it *MapIterator) Next(key, value any) bool {
	for !it.done && it.err == nil {
		n, err := sizeOf(key)
		if err != nil {
			it.err = it.m.fail("iterate", err)
			return false
		}
		next := make([]byte, n)
		if err := it.m.fetch("iterate", cmdNextKey, it.prev, next); err != nil {
			if isNotExist(err) {
				it.done = true
				return false
			}
			it.err = err
			return false
		}
		it.prev = next
		if value != nil {
			if err := it.m.Lookup(next, value); isNotExist(err) {
				continue // deleted since NextKey
			} else if err != nil {
				it.err = err
				return false
			}
		}
		it.err = it.m.wrap("iterate", decode(next, key))
		return it.err == nil
	}
	return false
}

// Err is the error that ended the walk early, or nil.
func (it *MapIterator) Err() error { return it.err }

// key encodes a key argument.
func (m *Map) key(key any) ([]byte, error) {
	n, err := sizeOf(key)
	if err != nil {
		return nil, m.fail("key", err)
	}
	b, err := encode(key, n)
	if err != nil {
		return nil, m.fail("key", err)
	}
	return b, nil
}

func (m *Map) operate(what string, cmd mapCmd, key, value, next []byte, flags uint64) error {
	if err := result(hostMapOperate(m.fd, cmd, key, value, next, flags)); err != nil {
		return fmt.Errorf("wasmbpf: map %s: %s: %w", m.name, what, err)
	}
	return nil
}

func (m *Map) fail(what string, err error) error {
	return fmt.Errorf("wasmbpf: map %s: %s: %v", m.name, what, err)
}

func (m *Map) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return m.fail(what, err)
}
