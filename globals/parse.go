package globals

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/ctype"
)

// Parse converts the text s to the bytes of a variable of type t, in
// little-endian order (the order of every BPF target nomia builds for).
// Typedefs and const/volatile qualifiers are resolved; the result always has
// the size of t. Errors are one line naming the C type and the accepted range
// or form, e.g. "value 300 out of range for u8 (0..255)".
func Parse(t btf.Type, s string) ([]byte, error) {
	return encode(t, s, binary.LittleEndian)
}

// encode is Parse for an explicit byte order, so that Apply can honour a
// big-endian object.
func encode(t btf.Type, s string, order binary.ByteOrder) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("cannot set a global without BTF type information: rebuild the object with -g")
	}
	name := ctype.Name(t)
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if u.Encoding&btf.Bool != 0 {
			return encodeBool(name, int(u.Size), s, order)
		}
		return encodeInt(name, int(u.Size), u.Encoding&btf.Signed != 0, s, order)
	case *btf.Enum:
		return encodeEnum(name, u, s, order)
	case *btf.Float:
		return encodeFloat(name, int(u.Size), s, order)
	case *btf.Array:
		return encodeArray(name, u, s, order)
	default:
		return nil, unsupported(t)
	}
}

// unsupported explains why a type has no text form; the flag stays listed so
// the user sees the variable exists, but setting it fails with this error.
func unsupported(t btf.Type) error {
	what := "this kind of type is"
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		what = fmt.Sprintf("%d-byte integers are", u.Size)
	case *btf.Float:
		what = fmt.Sprintf("%d-byte floats are", u.Size)
	case *btf.Struct:
		what = "structs are"
	case *btf.Union:
		what = "unions are"
	case *btf.Pointer:
		what = "pointers are"
	case *btf.Array:
		what = "arrays of this element type are"
	}
	return fmt.Errorf("cannot set %s from the command line: %s not supported (initialize it in the C source)", ctype.Name(t), what)
}

// encodeInt parses an integer in C-like notation (decimal, 0x hex, 0o or 0
// octal, 0b binary) and refuses values the type cannot hold instead of
// truncating them.
func encodeInt(name string, size int, signed bool, s string, order binary.ByteOrder) ([]byte, error) {
	if size != 1 && size != 2 && size != 4 && size != 8 {
		return nil, fmt.Errorf("cannot set %s from the command line: %d-byte integers are not supported", name, size)
	}
	bits := uint(size * 8)
	v, err := parseInt(name, bits, signed, s)
	if err != nil {
		return nil, err
	}
	return putUint(make([]byte, size), v, order), nil
}

// parseInt returns the two's-complement bits of s as a bits-wide integer.
func parseInt(name string, bits uint, signed bool, s string) (uint64, error) {
	s = strings.TrimSpace(s)
	lo, hi := intRange(bits, signed)
	// Underscores are Go syntax, not C: refuse them rather than surprise.
	if s == "" || strings.Contains(s, "_") {
		return 0, badInt(name, s, lo, hi)
	}
	digits := s
	if s[0] == '-' || s[0] == '+' {
		digits = s[1:]
	}
	// strconv reports overflow before it sees a stray character, so check
	// the alphabet first: "99999999999999999999\n0" is not a number at all.
	if strings.Trim(digits, "0123456789abcdefABCDEFxXoO") != "" {
		return 0, badInt(name, s, lo, hi)
	}
	if _, err := strconv.ParseUint(digits, 0, 64); err != nil && !isRange(err) {
		return 0, badInt(name, s, lo, hi)
	}
	if signed {
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil || v < -(1<<(bits-1)) || v > (1<<(bits-1))-1 {
			return 0, outOfRange(name, s, lo, hi)
		}
		return uint64(v), nil
	}
	if strings.HasPrefix(s, "-") {
		return 0, outOfRange(name, s, lo, hi)
	}
	v, err := strconv.ParseUint(digits, 0, 64)
	if err != nil || (bits < 64 && v >= 1<<bits) {
		return 0, outOfRange(name, s, lo, hi)
	}
	return v, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// intRange spells the smallest and largest value of an integer type.
func intRange(bits uint, signed bool) (string, string) {
	if signed {
		return strconv.FormatInt(-1<<(bits-1), 10), strconv.FormatInt(1<<(bits-1)-1, 10)
	}
	return "0", strconv.FormatUint(math.MaxUint64>>(64-bits), 10)
}

func badInt(name, s, lo, hi string) error {
	return fmt.Errorf("invalid value %q for %s: want an integer in %s..%s (decimal, 0x hex, 0o octal or 0b binary)", s, name, lo, hi)
}

func outOfRange(name, s, lo, hi string) error {
	return fmt.Errorf("value %s out of range for %s (%s..%s)", shown(s), name, lo, hi)
}

// shown prints a number the user typed as is, or quoted if it holds anything
// unusual, so an error message stays one readable line.
func shown(s string) string {
	for _, c := range s {
		if c <= ' ' || c > '~' {
			return strconv.Quote(s)
		}
	}
	return s
}

// putUint stores the low len(b) bytes of v in b.
func putUint(b []byte, v uint64, order binary.ByteOrder) []byte {
	switch len(b) {
	case 1:
		b[0] = byte(v)
	case 2:
		order.PutUint16(b, uint16(v))
	case 4:
		order.PutUint32(b, uint32(v))
	case 8:
		order.PutUint64(b, v)
	}
	return b
}

// boolWords are the spellings a bool flag accepts.
var boolWords = map[string]bool{"true": true, "yes": true, "1": true, "false": false, "no": false, "0": false}

func encodeBool(name string, size int, s string, order binary.ByteOrder) ([]byte, error) {
	v, ok := boolWords[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return nil, fmt.Errorf("invalid value %q for %s: want true, false, yes, no, 1 or 0", s, name)
	}
	var bit uint64
	if v {
		bit = 1
	}
	return putUint(make([]byte, size), bit, order), nil
}

// encodeEnum accepts an enumerator name (exact, else case-insensitive when
// that is unambiguous) or any number the enum's storage can hold, since flag
// enums combine values.
func encodeEnum(name string, e *btf.Enum, s string, order binary.ByteOrder) ([]byte, error) {
	s = strings.TrimSpace(s)
	if v, ok := enumByName(e, s); ok {
		return putUint(make([]byte, e.Size), v, order), nil
	}
	if s != "" && (s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')) {
		return encodeInt(name, int(e.Size), e.Signed, s, order)
	}
	return nil, fmt.Errorf("invalid value %q for %s: want one of %s, or a number", s, name, enumNames(e))
}

// maxListed caps the enumerators an error lists, so it stays a line.
const maxListed = 16

// enumNames lists e's enumerators for an error message.
func enumNames(e *btf.Enum) string {
	var names []string
	for i, v := range e.Values {
		if i == maxListed {
			names = append(names, fmt.Sprintf("… (%d more)", len(e.Values)-maxListed))
			break
		}
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}

func enumByName(e *btf.Enum, s string) (uint64, bool) {
	for _, v := range e.Values {
		if v.Name == s {
			return v.Value, true
		}
	}
	var found []uint64
	for _, v := range e.Values {
		if strings.EqualFold(v.Name, s) {
			found = append(found, v.Value)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return 0, false
}

func encodeFloat(name string, size int, s string, order binary.ByteOrder) ([]byte, error) {
	if size != 4 && size != 8 {
		return nil, fmt.Errorf("cannot set %s from the command line: %d-byte floats are not supported", name, size)
	}
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, size*8)
	if err != nil {
		if isRange(err) {
			return nil, fmt.Errorf("value %s out of range for %s", shown(s), name)
		}
		return nil, fmt.Errorf("invalid value %q for %s: want a number such as 1.5, -2e-3 or inf", s, name)
	}
	b := make([]byte, size)
	if size == 4 {
		order.PutUint32(b, math.Float32bits(float32(f)))
	} else {
		order.PutUint64(b, math.Float64bits(f))
	}
	return b, nil
}

// encodeArray reads char arrays as strings and other scalar arrays as
// comma-separated lists; elements not given stay zero.
func encodeArray(name string, a *btf.Array, s string, order binary.ByteOrder) ([]byte, error) {
	elemSize, err := btf.Sizeof(a.Type)
	if err != nil {
		return nil, fmt.Errorf("cannot set %s from the command line: %v", name, err)
	}
	n := int(a.Nelems)
	out := make([]byte, n*elemSize)
	if isChar(a.Type) {
		// A NUL would end the C string early and not survive Format.
		if strings.IndexByte(s, 0) >= 0 {
			return nil, fmt.Errorf("value %q for %s contains a NUL byte", s, name)
		}
		if len(s) > n-1 {
			return nil, fmt.Errorf("value %q too long for %s: at most %d bytes (one is kept for the NUL)", s, name, max(n-1, 0))
		}
		copy(out, s)
		return out, nil
	}
	switch btf.UnderlyingType(a.Type).(type) {
	case *btf.Int, *btf.Enum, *btf.Float:
	default:
		return nil, unsupported(a)
	}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	items := strings.Split(s, ",")
	if len(items) > n {
		return nil, fmt.Errorf("too many values for %s: got %d, at most %d (comma-separated)", name, len(items), n)
	}
	for i, item := range items {
		b, err := encode(a.Type, item, order)
		if err != nil {
			return nil, fmt.Errorf("element %d of %s: %v", i, name, err)
		}
		copy(out[i*elemSize:], b)
	}
	return out, nil
}

// isChar reports whether t is a one-byte integer spelled as a character type
// (char, signed char, unsigned char, or a typedef of one such as __u8):
// arrays of those are strings.
func isChar(t btf.Type) bool {
	i, ok := btf.UnderlyingType(t).(*btf.Int)
	return ok && i.Size == 1 && (i.Encoding&btf.Char != 0 || strings.Contains(i.Name, "char"))
}

// isBool reports whether t is a C boolean (_Bool, or a typedef of it).
func isBool(t btf.Type) bool {
	i, ok := btf.UnderlyingType(t).(*btf.Int)
	return ok && i.Encoding&btf.Bool != 0
}

// isCharArray reports whether t is read as a string.
func isCharArray(t btf.Type) bool {
	a, ok := btf.UnderlyingType(t).(*btf.Array)
	return ok && isChar(a.Type)
}
