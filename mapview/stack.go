package mapview

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
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

// pidRef is the field that names the process of a user stack: tgid or pid,
// or the upper half of a pid_tgid as bpf_get_current_pid_tgid returns it.
type pidRef struct {
	fieldRef
	upper bool
}

// stackSet is what resolving stack ids needs: the id fields of a key and a
// value (or of an event), the stack-trace map, the pid for user stacks and
// the Symbolizer. Map views and event stacks share it.
type stackSet struct {
	fields   []stackField
	stackMap string
	pid      *pidRef
	sym      Symbolizer
}

// newStackSet finds the stack-id fields of key and value (either may be nil)
// and the field holding their process; nil when there are none or the object
// has no stack map.
func newStackSet(key, value btf.Type, stackMap string, sym Symbolizer) *stackSet {
	if stackMap == "" {
		return nil
	}
	s := &stackSet{stackMap: stackMap, sym: sym}
	for _, inValue := range []bool{false, true} {
		for _, f := range intMembers(sideType(key, value, inValue), isStackID) {
			s.fields = append(s.fields, stackField{fieldRef: fieldRef{inValue: inValue, f: f}, user: isUserStack(f.name)})
		}
	}
	if len(s.fields) == 0 {
		return nil
	}
	for _, name := range []string{"tgid", "pid", "pid_tgid"} {
		if f := findField(key, value, name); f != nil {
			s.pid = &pidRef{fieldRef: *f, upper: name == "pid_tgid"}
			break
		}
	}
	return s
}

// sideType is the key's type, or the value's when inValue; nil stays nil.
func sideType(key, value btf.Type, inValue bool) btf.Type {
	if inValue {
		return value
	}
	return key
}

// findField returns the integer member named name, in the key first, then
// in the value.
func findField(key, value btf.Type, name string) *fieldRef {
	for _, inValue := range []bool{false, true} {
		fs := intMembers(sideType(key, value, inValue), func(n string) bool { return n == name })
		if len(fs) > 0 {
			return &fieldRef{inValue: inValue, f: fs[0]}
		}
	}
	return nil
}

// hasUser reports whether any of the set's stacks is a user stack.
func (s *stackSet) hasUser() bool {
	return slices.ContainsFunc(s.fields, func(f stackField) bool { return f.user })
}

// stackMapOf picks the object's stack-trace map: the one bpf_get_stackid
// fills, else the first by name; "" when there is none.
func stackMapOf(spec *ebpf.CollectionSpec, use usage) string {
	stackMap := ""
	for _, name := range sortedKeys(spec.Maps) {
		if spec.Maps[name].Type == ebpf.StackTrace && (stackMap == "" || use.stacks[name]) {
			stackMap = name
		}
	}
	return stackMap
}

// value reads the field from an entry.
func (r fieldRef) value(e entry) int64 {
	if r.inValue {
		return r.f.read(e.value)
	}
	return r.f.read(e.key)
}

// present reports whether the entry is long enough to hold the field.
func (r fieldRef) present(e entry) bool {
	side := e.key
	if r.inValue {
		side = e.value
	}
	return r.f.offset+r.f.size <= len(side)
}

// resolve reads an entry's stacks: kernel stacks first, as offcputime
// prints them, then user stacks.
func (s *stackSet) resolve(coll *ebpf.Collection, e entry) ([]stack, error) {
	if s == nil {
		return nil, nil
	}
	m := coll.Maps[s.stackMap]
	if m == nil {
		return nil, fmt.Errorf("mapview: the collection has no stack map %s: load it from the spec the view was planned from", s.stackMap)
	}
	pid := 0
	if s.pid != nil {
		v := s.pid.value(e)
		if s.pid.upper {
			v = int64(uint64(v) >> 32)
		}
		pid = int(v)
	}
	var out []stack
	for _, user := range []bool{false, true} {
		for _, sf := range s.fields {
			if sf.user != user {
				continue
			}
			id := sf.value(e)
			if id < 0 || !sf.present(e) {
				continue // no stack, or an event too short to say
			}
			addrs, err := readStack(m, uint32(id))
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				out = append(out, stack{field: sf.f.name, user: user, missed: true})
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("mapview: read stack %d of %s: %w", id, s.stackMap, err)
			}
			out = append(out, stack{field: sf.f.name, user: user, frames: s.symbolize(pid, !user, addrs)})
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
func (s *stackSet) symbolize(pid int, kernel bool, addrs []uint64) []string {
	var names []string
	if s.sym != nil {
		names = s.sym.Names(pid, kernel, addrs)
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		switch {
		case s.sym == nil:
			out[i] = "0x" + strconv.FormatUint(a, 16)
		case i < len(names) && names[i] != "":
			out[i] = names[i]
		default:
			out[i] = "[unknown]"
		}
	}
	return out
}

// appendFrames writes each stack's frames on lines of their own, leaf first,
// indented by four spaces; a stack the map no longer holds prints as
// `[Missed User Stack]`, as the tools print it.
func appendFrames(dst []byte, stacks []stack) []byte {
	for _, s := range stacks {
		if s.missed {
			dst = append(dst, "    [Missed "+stackKind(s.user)+" Stack]\n"...)
		}
		for _, f := range s.frames {
			dst = append(append(append(dst, "    "...), f...), '\n')
		}
	}
	return dst
}

// appendFoldedFrames writes `;frame` for every frame, root first: user
// frames, then kernel frames, the order flamegraph.pl stacks them in.
func appendFoldedFrames(dst []byte, stacks []stack) []byte {
	for _, user := range []bool{true, false} {
		for _, s := range stacks {
			if s.user != user {
				continue
			}
			if s.missed {
				dst = append(dst, ";[Missed "+stackKind(s.user)+" Stack]"...)
			}
			for _, f := range slices.Backward(s.frames) {
				dst = append(append(dst, ';'), f...)
			}
		}
	}
	return dst
}

func stackKind(user bool) string {
	if user {
		return "User"
	}
	return "Kernel"
}
