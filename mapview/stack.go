package mapview

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/cilium/ebpf"
)

// stackField is a stack id in the key or the value; negative ids mean the
// program recorded no stack.
type stackField struct {
	fieldRef
	user bool
}

// stack is one resolved stack of an entry, leaf first.
type stack struct {
	field  string
	user   bool
	frames []string
	missed bool // the id was valid but the stack map no longer holds it
}

// value reads the field from an entry.
func (r fieldRef) value(e entry) int64 {
	if r.inValue {
		return r.f.read(e.value)
	}
	return r.f.read(e.key)
}

// stacksOf resolves an entry's stacks: kernel stacks first, as offcputime
// prints them, then user stacks.
func (v *View) stacksOf(coll *ebpf.Collection, e entry) ([]stack, error) {
	if len(v.stacks) == 0 {
		return nil, nil
	}
	m := coll.Maps[v.stackMap]
	if m == nil {
		return nil, fmt.Errorf("mapview: the collection has no stack map %s: load it from the spec the view was planned from", v.stackMap)
	}
	pid := 0
	if v.pid != nil {
		pid = int(v.pid.value(e))
	}
	var out []stack
	for _, user := range []bool{false, true} {
		for _, sf := range v.stacks {
			if sf.user != user {
				continue
			}
			id := sf.value(e)
			if id < 0 {
				continue
			}
			addrs, err := readStack(m, uint32(id))
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				out = append(out, stack{field: sf.f.name, user: user, missed: true})
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("mapview: read stack %d of %s: %w", id, v.stackMap, err)
			}
			out = append(out, stack{field: sf.f.name, user: user, frames: v.symbolize(pid, !user, addrs)})
		}
	}
	return out, nil
}

// readStack returns the addresses of one stack, up to the first zero.
func readStack(m *ebpf.Map, id uint32) ([]uint64, error) {
	buf := make([]byte, m.ValueSize())
	if err := m.Lookup(id, &buf); err != nil {
		return nil, err
	}
	var addrs []uint64
	for i := 0; i+8 <= len(buf); i += 8 {
		a := readUint(buf[i : i+8])
		if a == 0 {
			break
		}
		addrs = append(addrs, a)
	}
	return addrs, nil
}

// symbolize names addrs with the Symbolizer, or in hex without one;
// addresses it cannot name print as [unknown], as BCC's tools do.
func (v *View) symbolize(pid int, kernel bool, addrs []uint64) []string {
	var names []string
	if v.opts.Symbolizer != nil {
		names = v.opts.Symbolizer.Names(pid, kernel, addrs)
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		switch {
		case v.opts.Symbolizer == nil:
			out[i] = "0x" + strconv.FormatUint(a, 16)
		case i < len(names) && names[i] != "":
			out[i] = names[i]
		default:
			out[i] = "[unknown]"
		}
	}
	return out
}
