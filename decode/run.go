package decode

import (
	"encoding/binary"
	"math"
	"strconv"
)

// AppendJSON appends one JSON object for rec to dst and returns the extended slice.
// Fields that rec does not fully hold are left out; see the package documentation for
// how each kind of field is written. It never panics, whatever rec holds.
func (d *Decoder) AppendJSON(dst, rec []byte) []byte {
	dst = append(dst, '{')
	dst = d.run(dst, rec, 0, len(d.ops), false, false)
	return append(dst, '}')
}

// AppendJSONMembers appends the members of the object AppendJSON would write, each
// preceded by a comma and without the braces. It lets a caller that writes its own
// keys first (a timestamp, a map name) add the record's fields to the same object.
func (d *Decoder) AppendJSONMembers(dst, rec []byte) []byte {
	return d.run(dst, rec, 0, len(d.ops), false, true)
}

// AppendField appends the text of top-level field i of rec, for a table cell: numbers
// in decimal, enums by name, strings as they are (bytes that are not printable UTF-8
// as \xNN), pointers in hex, nested structs as {a=1 b=2} and arrays as [1,2]. It
// appends nothing when rec does not hold the field or i is out of range.
func (d *Decoder) AppendField(dst []byte, i int, rec []byte) []byte {
	if i < 0 || i >= len(d.starts) {
		return dst
	}
	o := &d.ops[d.starts[i]]
	if !o.present(rec) || o.code == opAddr && o.addr.inactive(rec) {
		return dst
	}
	dst, _ = d.value(dst, rec, d.starts[i], true)
	return dst
}

// run appends the steps ops[lo:hi] as object members (key and value), skipping those
// rec does not hold. sep says whether the first member needs a separator before it.
func (d *Decoder) run(dst, rec []byte, lo, hi int, text, sep bool) []byte {
	for i := lo; i < hi; {
		o := &d.ops[i]
		if !o.present(rec) {
			i = o.next
			continue
		}
		// Keys carry their separator; the first member drops it.
		k := o.key
		if text {
			k = o.textKey
		}
		if !sep {
			k = k[1:]
		}
		if isFixed(o.code) {
			dst = append(dst, k...)
			sep = true
			dst = appendFixed(dst, o.code, rec[o.off:])
			i = o.next
			continue
		}
		if o.code == opAddr && o.addr.inactive(rec) {
			i = o.next // checked after the fixed integers, which are most fields
			continue
		}
		dst = append(dst, k...)
		sep = true
		dst, i = d.value(dst, rec, i, text)
	}
	return dst
}

// value appends the value of step i (already known to be present in rec) and returns
// the index of the step after it and its children.
func (d *Decoder) value(dst, rec []byte, i int, text bool) ([]byte, int) {
	o := &d.ops[i]
	switch o.code {
	case opU8, opU16, opU32, opU64, opS8, opS16, opS32, opS64:
		dst = appendFixed(dst, o.code, rec[o.off:])
	case opUint:
		dst = appendUint(dst, load(o, rec))
	case opInt:
		dst = appendInt(dst, loadSigned(o, rec))
	case opBool:
		if load(o, rec) != 0 {
			dst = append(dst, "true"...)
		} else {
			dst = append(dst, "false"...)
		}
	case opEnum:
		dst = appendEnum(dst, o, rec, text)
	case opFloat32:
		dst = appendFloat(dst, float64(math.Float32frombits(binary.LittleEndian.Uint32(rec[o.off:]))), 32, text)
	case opFloat64:
		dst = appendFloat(dst, math.Float64frombits(binary.LittleEndian.Uint64(rec[o.off:])), 64, text)
	case opFloatX:
		if text {
			dst = append(dst, '?')
		} else {
			dst = append(dst, "null"...)
		}
	case opUint128, opInt128:
		lo := binary.LittleEndian.Uint64(rec[o.off:])
		hi := binary.LittleEndian.Uint64(rec[o.off+8:])
		if !text {
			dst = append(dst, '"')
		}
		dst = appendInt128(dst, hi, lo, o.code == opInt128)
		if !text {
			dst = append(dst, '"')
		}
	case opPointer:
		v := binary.LittleEndian.Uint64(rec[o.off:])
		if text {
			dst = append(dst, "0x"...)
			dst = strconv.AppendUint(dst, v, 16)
		} else {
			dst = appendUint(dst, v)
		}
	case opAddr:
		if !text {
			dst = append(dst, '"')
		}
		dst = appendAddr(dst, o, rec)
		if !text {
			dst = append(dst, '"')
		}
	case opString:
		s := rec[o.off:]
		if !o.flex && len(s) > o.n {
			s = s[:o.n]
		}
		s = cString(s)
		if text {
			dst = appendText(dst, s)
		} else {
			dst = appendJSONString(dst, s)
		}
	case opObject:
		dst = append(dst, '{')
		dst = d.run(dst, rec, i+1, o.next, text, false)
		dst = append(dst, '}')
	case opArray:
		dst = d.array(dst, rec, i, text)
	}
	return dst, o.next
}

// array appends the elements of array step i that rec fully holds.
func (d *Decoder) array(dst, rec []byte, i int, text bool) []byte {
	o := &d.ops[i]
	elem := &d.ops[i+1]
	n := o.n
	if o.flex {
		n = (len(rec) - o.off) / o.stride
	}
	dst = append(dst, '[')
	if isFixed(elem.code) {
		// Arrays of plain integers: no per-element presence test beyond the length.
		n = min(n, (len(rec)-o.off)/o.stride)
		for k := range n {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendFixed(dst, elem.code, rec[o.off+k*o.stride:])
		}
		return append(dst, ']')
	}
	for k := range n {
		start := o.off + k*o.stride
		if start > len(rec) {
			break
		}
		e := rec[start:]
		if !elem.present(e) {
			break
		}
		if k > 0 {
			dst = append(dst, ',')
		}
		dst, _ = d.value(dst, e, i+1, text)
	}
	return append(dst, ']')
}

// appendFixed appends the whole-byte integer of opcode c at the start of b.
func appendFixed(dst []byte, c opcode, b []byte) []byte {
	switch c {
	case opU8:
		return appendUint(dst, uint64(b[0]))
	case opU16:
		return appendUint(dst, uint64(binary.LittleEndian.Uint16(b)))
	case opU32:
		return appendUint(dst, uint64(binary.LittleEndian.Uint32(b)))
	case opU64:
		return appendUint(dst, binary.LittleEndian.Uint64(b))
	case opS8:
		return appendInt(dst, int64(int8(b[0])))
	case opS16:
		return appendInt(dst, int64(int16(binary.LittleEndian.Uint16(b))))
	case opS32:
		return appendInt(dst, int64(int32(binary.LittleEndian.Uint32(b))))
	default:
		return appendInt(dst, int64(binary.LittleEndian.Uint64(b)))
	}
}

// load reads the unsigned value of an integer-like step.
func load(o *op, rec []byte) uint64 {
	if o.bitSize != 0 {
		return loadBits(o, rec)
	}
	return loadWidth(rec[o.off:], o.width)
}

// loadWidth reads the little-endian unsigned integer of width 1, 2, 4 or 8 bytes at
// the start of b.
func loadWidth(b []byte, width uint8) uint64 {
	switch width {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	default:
		return binary.LittleEndian.Uint64(b)
	}
}

// loadSigned reads the sign-extended value of a signed integer-like step.
func loadSigned(o *op, rec []byte) int64 {
	return signExtend(load(o, rec), o.bits())
}

// loadBits extracts a bitfield: the bytes that hold it, little-endian, shifted and
// masked. A 64-bit field that does not start on a byte spans nine bytes.
func loadBits(o *op, rec []byte) uint64 {
	b := rec[o.off : o.off+o.need]
	var v uint64
	for j := 0; j < len(b) && j < 8; j++ {
		v |= uint64(b[j]) << (8 * j)
	}
	v >>= o.bitShift
	if len(b) == 9 && o.bitShift != 0 {
		v |= uint64(b[8]) << (64 - o.bitShift)
	}
	return v & mask(int(o.bitSize))
}

// signExtend interprets the low bits of v as a two's-complement number.
func signExtend(v uint64, bits int) int64 {
	if bits >= 64 {
		return int64(v)
	}
	s := uint(64 - bits)
	return int64(v<<s) >> s
}

// appendEnum appends an enumerator's name, or its number when it has none.
func appendEnum(dst []byte, o *op, rec []byte, text bool) []byte {
	bits := o.bits()
	v := load(o, rec) & mask(bits)
	if k := o.enum.lookup(v); k >= 0 {
		if text {
			return append(dst, o.enum.names[k]...)
		}
		return append(dst, o.enum.quoted[k]...)
	}
	if o.signed {
		return strconv.AppendInt(dst, signExtend(v, bits), 10)
	}
	return strconv.AppendUint(dst, v, 10)
}

// appendFloat appends f in the shortest form that reads back exactly; JSON has no
// NaN or infinities, so those are null there.
func appendFloat(dst []byte, f float64, bits int, text bool) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if text {
			return strconv.AppendFloat(dst, f, 'g', -1, bits)
		}
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}
