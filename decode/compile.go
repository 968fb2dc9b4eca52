package decode

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/cilium/ebpf/btf"
)

// maxDepth bounds type nesting, so a malformed (cyclic) type graph ends in an error
// rather than a stack overflow.
const maxDepth = 64

// maxBytes bounds the size of any one array, so arithmetic on offsets stays in range.
const maxBytes = 1 << 31

// compiler appends the steps for a type to its decoder's plan.
type compiler struct {
	d *Decoder
	// The naming scope being compiled: the family field that the struct's address
	// fields follow, and whether the members at hand are those of a union.
	family  *familyField
	inUnion bool
}

// scope compiles the members of struct or union t, whose first byte is at base, as
// a scope of names of its own: the members that C code reaches as siblings.
func (c *compiler) scope(t btf.Type, base, depth int, top, last bool) error {
	ms, _ := membersOf(t)
	saved := c.family
	c.family = findFamily(ms, base, 0)
	err := c.members(t, base, depth, top, last)
	c.family = saved
	return err
}

// members compiles the members of struct or union t whose first byte is at base.
// Members of anonymous structs and unions are compiled as members of the enclosing
// type, since that is how C names them. last says whether the type ends the
// record, so that its final member may be a flexible array.
func (c *compiler) members(t btf.Type, base, depth int, top, last bool) error {
	if depth > maxDepth {
		return errors.New("types nest too deeply (a cycle in the BTF?)")
	}
	ms, _ := membersOf(t)
	saved := c.inUnion
	_, c.inUnion = btf.UnderlyingType(t).(*btf.Union)
	defer func() { c.inUnion = saved }()
	for i, m := range ms {
		bitOff := base*8 + int(m.Offset)
		final := last && i == len(ms)-1
		if m.Name == "" {
			if _, ok := membersOf(m.Type); !ok {
				continue // an unnamed bitfield is padding
			}
			if bitOff%8 != 0 {
				return fmt.Errorf("anonymous member at bit offset %d is not byte-aligned", bitOff)
			}
			if err := c.members(m.Type, bitOff/8, depth+1, top, final); err != nil {
				return err
			}
			continue
		}
		if err := c.field(m.Name, m.Type, bitOff, int(m.BitfieldSize), depth, top, final); err != nil {
			return err
		}
	}
	return nil
}

// field compiles one named member and, at the top level, records it as a Field.
func (c *compiler) field(name string, t btf.Type, bitOff, bitSize, depth int, top, last bool) error {
	idx := len(c.d.ops)
	if a, ok := c.address(name, t, bitOff, bitSize); ok {
		a.next = idx + 1
		c.d.ops = append(c.d.ops, a)
	} else if err := c.value(t, bitOff, bitSize, depth, last); err != nil {
		return fmt.Errorf("field %s: %w", name, err)
	}
	o := &c.d.ops[idx]
	o.key = appendJSONString([]byte{','}, []byte(name))
	o.key = append(o.key, ':')
	o.textKey = append([]byte{' '}, name...)
	o.textKey = append(o.textKey, '=')
	if !top {
		return nil
	}
	size := o.need
	if bitSize == 0 {
		size, _ = btf.Sizeof(t) // value succeeded, so t has a size
	}
	c.d.fields = append(c.d.fields, Field{Name: name, Offset: o.off, Size: size, Type: t, Width: textWidth(o)})
	c.d.starts = append(c.d.starts, idx)
	return nil
}

// value appends the steps that decode a value of type t at bitOff. A bitfield has
// bitSize > 0. last marks the final member of the top-level type, the only place a
// zero-length array takes the rest of the record.
func (c *compiler) value(t btf.Type, bitOff, bitSize, depth int, last bool) error {
	if depth > maxDepth {
		return errors.New("types nest too deeply (a cycle in the BTF?)")
	}
	if bitSize == 0 && bitOff%8 != 0 {
		return fmt.Errorf("member at bit offset %d is not byte-aligned", bitOff)
	}
	idx := len(c.d.ops)
	c.d.ops = append(c.d.ops, op{off: bitOff / 8})
	o := op{off: bitOff / 8}
	var children func() error
	switch v := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if err := scalarInt(&o, v); err != nil {
			return err
		}
	case *btf.Enum:
		if !validWidth(int(v.Size)) {
			return fmt.Errorf("enum %s has unsupported size %d", quoteName(v.Name), v.Size)
		}
		bits := int(v.Size) * 8
		if bitSize > 0 {
			bits = bitSize
		}
		o.code, o.width, o.need, o.signed = opEnum, uint8(v.Size), int(v.Size), v.Signed
		o.enum = newEnumTable(v, bits)
	case *btf.Float:
		o.width, o.need = 8, int(v.Size)
		switch v.Size {
		case 4:
			o.code, o.width = opFloat32, 4
		case 8:
			o.code = opFloat64
		default:
			o.code = opFloatX
		}
	case *btf.Pointer:
		o.code, o.width, o.need = opPointer, 8, 8
	case *btf.Struct, *btf.Union:
		if n := addrSize(v); n != 0 {
			// struct in_addr or in6_addr that no field names, e.g. an array's
			// element: an address with no family to follow.
			o.code, o.width, o.need, o.addr = opAddr, uint8(n), n, &addrRule{}
			break
		}
		size, _ := btf.Sizeof(v)
		o.code, o.need = opObject, min(size, 1)
		children = func() error { return c.scope(v, o.off, depth+1, false, false) }
	case *btf.Array:
		if err := c.array(&o, v, last); err != nil {
			return err
		}
		if o.code == opArray {
			children = func() error { return c.value(v.Type, 0, 0, depth+1, false) }
		}
	case nil:
		return errors.New("type is missing")
	default:
		return fmt.Errorf("cannot decode a value of %s", describe(v))
	}
	if bitSize > 0 {
		if err := bitfield(&o, bitOff, bitSize); err != nil {
			return err
		}
	}
	if bitSize == 0 && (o.code == opUint || o.code == opInt) {
		o.code = fixedCode(o.code == opInt, o.width)
	}
	if children != nil {
		if err := children(); err != nil {
			return err
		}
	}
	o.next = len(c.d.ops)
	c.d.ops[idx] = o
	return nil
}

// array fills o for an array: a string when the element is a C character type,
// otherwise an element count and stride (the element's steps are compiled after o).
func (c *compiler) array(o *op, v *btf.Array, last bool) error {
	flex := last && v.Nelems == 0
	if isChar(v.Type) {
		o.code, o.n, o.flex = opString, int(v.Nelems), flex
		if o.n > 0 {
			o.need = 1
		}
		return nil
	}
	elem, err := btf.Sizeof(v.Type)
	if err != nil {
		return fmt.Errorf("array element %s has no size: %v", describe(v.Type), err)
	}
	if int64(elem)*int64(v.Nelems) > maxBytes {
		return fmt.Errorf("array of %d × %d bytes is too large to decode", v.Nelems, elem)
	}
	o.code, o.n, o.stride, o.flex = opArray, int(v.Nelems), elem, flex
	if elem == 0 {
		o.n, o.flex = 0, false // nothing to read, and no count to derive
	}
	if o.n > 0 {
		o.need = 1
	}
	return nil
}

// scalarInt fills o for a BTF integer.
func scalarInt(o *op, v *btf.Int) error {
	size := int(v.Size)
	switch {
	case size == 16 && v.Encoding&btf.Signed != 0:
		o.code = opInt128
	case size == 16:
		o.code = opUint128
	case !validWidth(size):
		return fmt.Errorf("integer %s has unsupported size %d", quoteName(v.Name), size)
	case v.Encoding&btf.Bool != 0:
		o.code = opBool
	case v.Encoding&btf.Signed != 0:
		o.code = opInt
	default:
		o.code = opUint
	}
	o.width, o.need = uint8(min(size, 8)), size
	return nil
}

// bitfield turns o into a bitfield read of bitSize bits starting at bitOff.
func bitfield(o *op, bitOff, bitSize int) error {
	switch o.code {
	case opUint, opInt, opBool, opEnum:
	default:
		return fmt.Errorf("a %d-bit bitfield must have an integer or enum type", bitSize)
	}
	if bitSize > 64 {
		return fmt.Errorf("a %d-bit bitfield is wider than 64 bits", bitSize)
	}
	o.bitShift, o.bitSize = uint8(bitOff%8), uint8(bitSize)
	o.need = (bitOff%8 + bitSize + 7) / 8
	if o.code == opInt {
		o.signed = true
	}
	return nil
}

// membersOf returns the members of t when it is, through typedefs and
// qualifiers, a struct or a union.
func membersOf(t btf.Type) ([]btf.Member, bool) {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Struct:
		return u.Members, true
	case *btf.Union:
		return u.Members, true
	}
	return nil, false
}

// fixedCode returns the whole-byte integer opcode for a width of 1, 2, 4 or 8 bytes.
func fixedCode(signed bool, width uint8) opcode {
	c := opU8 + opcode(bits.TrailingZeros8(width))
	if signed {
		c += opS8 - opU8
	}
	return c
}

func validWidth(n int) bool { return n == 1 || n == 2 || n == 4 || n == 8 }

// newEnumTable indexes e's enumerators by value truncated to bits.
func newEnumTable(e *btf.Enum, bits int) *enumTable {
	type pair struct {
		v    uint64
		name string
	}
	pairs := make([]pair, 0, len(e.Values))
	for _, ev := range e.Values {
		pairs = append(pairs, pair{ev.Value & mask(bits), ev.Name})
	}
	// Stable, so the first enumerator declared with a value names it.
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(a.v, b.v) })
	t := &enumTable{}
	for i, p := range pairs {
		if i > 0 && p.v == pairs[i-1].v {
			continue
		}
		t.values = append(t.values, p.v)
		t.quoted = append(t.quoted, appendJSONString(nil, []byte(p.name)))
		t.names = append(t.names, []byte(p.name))
	}
	return t
}

// mask returns a mask of the low bits bits.
func mask(bits int) uint64 {
	if bits >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(bits) - 1
}

// isChar reports whether an array of t is text: t, through qualifiers but not
// typedefs, is a one-byte integer that BTF marks Char or that is named like C's
// character types.
func isChar(t btf.Type) bool {
	i, ok := btf.QualifiedType(t).(*btf.Int)
	if !ok || i.Size != 1 {
		return false
	}
	if i.Encoding&btf.Char != 0 {
		return true
	}
	switch i.Name {
	case "char", "signed char", "unsigned char":
		return true
	}
	return false
}
