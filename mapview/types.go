package mapview

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// slotsField is where a histogram's bucket counts sit in its value.
type slotsField struct {
	offset int // byte offset of slots[0]
	elem   int // 4 or 8: the counters' width
	n      int // number of buckets
}

// findSlots reports the `slots` member of t, an array of 32- or 64-bit
// integers, which is how every libbpf-tools histogram value is laid out.
func findSlots(t btf.Type) (slotsField, bool) {
	st, ok := btf.UnderlyingType(t).(*btf.Struct)
	if !ok {
		return slotsField{}, false
	}
	for _, m := range st.Members {
		if m.Name != "slots" || m.BitfieldSize != 0 {
			continue
		}
		arr, ok := btf.UnderlyingType(m.Type).(*btf.Array)
		if !ok {
			return slotsField{}, false
		}
		in, ok := btf.UnderlyingType(arr.Type).(*btf.Int)
		if !ok || (in.Size != 4 && in.Size != 8) {
			return slotsField{}, false
		}
		return slotsField{offset: int(m.Offset.Bytes()), elem: int(in.Size), n: int(arr.Nelems)}, true
	}
	return slotsField{}, false
}

// withoutMember returns t without the member named name: the rest of a
// histogram's value, which prints next to the histogram.
func withoutMember(t btf.Type, name string) *btf.Struct {
	st := btf.UnderlyingType(t).(*btf.Struct)
	rest := &btf.Struct{Name: st.Name, Size: st.Size}
	for _, m := range st.Members {
		if m.Name != name {
			rest.Members = append(rest.Members, m)
		}
	}
	return rest
}

// wrap returns a struct holding t as its only member named label, so that a
// scalar key or value decodes under a name of our choosing.
func wrap(label string, t btf.Type) *btf.Struct {
	size, _ := btf.Sizeof(t)
	return &btf.Struct{Size: uint32(size), Members: []btf.Member{{Name: label, Type: t}}}
}

// isComposite reports whether t decodes as fields of its own.
func isComposite(t btf.Type) bool {
	switch btf.UnderlyingType(t).(type) {
	case *btf.Struct, *btf.Union:
		return true
	}
	return false
}

// orBytes stands in for a map's missing BTF type: an unsigned integer when
// size fits one, bytes otherwise.
func orBytes(t btf.Type, size uint32) btf.Type {
	if t != nil {
		if _, ok := t.(*btf.Void); !ok {
			return t
		}
	}
	switch size {
	case 1, 2, 4, 8:
		return &btf.Int{Name: "u" + strconv.Itoa(int(size)*8), Size: size}
	}
	return &btf.Array{Type: &btf.Int{Name: "u8", Size: 1}, Nelems: size}
}

// leaf is a run of bytes in a value: an integer to sum across CPUs, or bytes
// (strings, enums, bitfields) taken from the first CPU that set them.
type leaf struct {
	offset, size int
	integer      bool
}

// leaves lists t's bytes as leaves, in order, for summing per-CPU values.
func leaves(t btf.Type, base int, out []leaf) []leaf {
	size, err := btf.Sizeof(t)
	if err != nil {
		return out
	}
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if isCharInt(u) || (u.Size != 1 && u.Size != 2 && u.Size != 4 && u.Size != 8) {
			return append(out, leaf{offset: base, size: size})
		}
		return append(out, leaf{offset: base, size: size, integer: true})
	case *btf.Array:
		elem, err := btf.Sizeof(u.Type)
		if err != nil || elem == 0 {
			return append(out, leaf{offset: base, size: size})
		}
		if in, ok := btf.UnderlyingType(u.Type).(*btf.Int); ok && isCharInt(in) {
			return append(out, leaf{offset: base, size: size})
		}
		for i := 0; i < int(u.Nelems); i++ {
			out = leaves(u.Type, base+i*elem, out)
		}
		return out
	case *btf.Struct:
		for _, m := range u.Members {
			if m.BitfieldSize != 0 {
				continue // bitfields are rare in aggregates; their bytes are copied below
			}
			out = leaves(m.Type, base+int(m.Offset.Bytes()), out)
		}
		return out
	}
	return append(out, leaf{offset: base, size: size})
}

// isCounter reports whether t is an integer that counts: 1 to 8 bytes and
// not a character.
func isCounter(t btf.Type) bool {
	in, ok := btf.UnderlyingType(t).(*btf.Int)
	return ok && !isCharInt(in) && in.Size <= 8
}

// isCharInt reports whether in is a C character type: text, not a number.
func isCharInt(in *btf.Int) bool {
	if in.Encoding == btf.Char {
		return true
	}
	switch in.Name {
	case "char", "signed char", "unsigned char":
		return true
	}
	return false
}

// intField is an integer member found by name: a stack id, a pid.
type intField struct {
	name   string
	offset int
	size   int
	signed bool
}

// intMembers lists the top-level integer members of t whose name matches.
func intMembers(t btf.Type, match func(string) bool) []intField {
	st, ok := btf.UnderlyingType(t).(*btf.Struct)
	if !ok {
		return nil
	}
	var out []intField
	for _, m := range st.Members {
		in, ok := btf.UnderlyingType(m.Type).(*btf.Int)
		if !ok || m.BitfieldSize != 0 || !match(m.Name) || in.Size > 8 {
			continue
		}
		out = append(out, intField{name: m.Name, offset: int(m.Offset.Bytes()), size: int(in.Size), signed: in.Encoding == btf.Signed})
	}
	return out
}

// isStackID reports whether a member name holds a stack id, as
// kern_stack_id, user_stack_id, stack_id or w_k_stack_id do.
func isStackID(name string) bool {
	return strings.HasSuffix(name, "stack_id") || strings.HasSuffix(name, "stackid")
}

// isUserStack tells user-space stack ids from kernel ones by their name.
func isUserStack(name string) bool {
	return strings.Contains(name, "user") || strings.Contains(name, "_u_") || strings.HasPrefix(name, "u_")
}

// readInt reads a little-endian integer of 1–8 bytes from b at f, sign-extended
// when f is signed. It returns 0 when b is too short.
func (f intField) read(b []byte) int64 {
	if f.offset+f.size > len(b) {
		return 0
	}
	v := readUint(b[f.offset : f.offset+f.size])
	if f.signed && f.size < 8 {
		shift := 64 - 8*uint(f.size)
		return int64(v<<shift) >> shift
	}
	return int64(v)
}

// readUint reads a little-endian unsigned integer of up to 8 bytes, as BPF
// on the supported hosts writes them.
func readUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// addUint adds the little-endian integer in src to the one in dst (same size),
// wrapping as the C counters do.
func addUint(dst, src []byte) {
	var carry uint
	for i := range dst {
		s := uint(dst[i]) + uint(src[i]) + carry
		dst[i] = byte(s)
		carry = s >> 8
	}
}

// text formats the field of b in decimal, as its signedness says.
func (f intField) text(b []byte) string {
	if f.signed {
		return strconv.FormatInt(f.read(b), 10)
	}
	return strconv.FormatUint(uint64(f.read(b)), 10)
}

// compare orders the field's values in a and b as their signedness says.
func (f intField) compare(a, b []byte) int {
	if f.signed {
		return cmp.Compare(f.read(a), f.read(b))
	}
	return cmp.Compare(uint64(f.read(a)), uint64(f.read(b)))
}
