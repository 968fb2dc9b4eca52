package globals

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/ctype"
)

// Format renders b, the little-endian bytes of a variable of type t, as text
// that Parse turns back into the same bytes: decimal integers, true/false,
// enumerator names, shortest round-trip floats, strings for char arrays and
// comma-separated lists (trailing zeros dropped) for other arrays.
func Format(t btf.Type, b []byte) (string, error) {
	return decode(t, b, binary.LittleEndian)
}

// decode is Format for an explicit byte order.
func decode(t btf.Type, b []byte, order binary.ByteOrder) (string, error) {
	if t == nil {
		return "", fmt.Errorf("cannot format a global without BTF type information")
	}
	size, err := btf.Sizeof(t)
	if err != nil {
		return "", fmt.Errorf("cannot format %s: %v", ctype.Name(t), err)
	}
	if len(b) != size {
		return "", fmt.Errorf("cannot format %s: got %d bytes, want %d", ctype.Name(t), len(b), size)
	}
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if size != 1 && size != 2 && size != 4 && size != 8 {
			return "", unsupported(t)
		}
		v := getUint(b, order)
		if u.Encoding&btf.Bool != 0 {
			return strconv.FormatBool(v != 0), nil
		}
		return formatInt(v, size, u.Encoding&btf.Signed != 0), nil
	case *btf.Enum:
		v := getUint(b, order)
		for _, ev := range u.Values {
			if ev.Value == v || (u.Signed && ev.Value == signExtend(v, size)) {
				return ev.Name, nil
			}
		}
		return formatInt(v, size, u.Signed), nil
	case *btf.Float:
		switch size {
		case 4:
			return strconv.FormatFloat(float64(math.Float32frombits(order.Uint32(b))), 'g', -1, 32), nil
		case 8:
			return strconv.FormatFloat(math.Float64frombits(order.Uint64(b)), 'g', -1, 64), nil
		}
	case *btf.Array:
		return decodeArray(u, b, order)
	}
	return "", unsupported(t)
}

func decodeArray(a *btf.Array, b []byte, order binary.ByteOrder) (string, error) {
	if isChar(a.Type) {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b), nil
	}
	switch btf.UnderlyingType(a.Type).(type) {
	case *btf.Int, *btf.Enum, *btf.Float:
	default:
		return "", unsupported(a)
	}
	n := int(a.Nelems)
	if n == 0 {
		return "", nil
	}
	elemSize := len(b) / n
	// Trailing zero elements are implied by Parse, so leave them out; keep at
	// least one element so the text is never empty.
	last := 0
	for i := range n {
		if !allZero(b[i*elemSize : (i+1)*elemSize]) {
			last = i
		}
	}
	items := make([]string, last+1)
	for i := range items {
		s, err := decode(a.Type, b[i*elemSize:(i+1)*elemSize], order)
		if err != nil {
			return "", err
		}
		items[i] = s
	}
	return strings.Join(items, ","), nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func getUint(b []byte, order binary.ByteOrder) uint64 {
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(order.Uint16(b))
	case 4:
		return uint64(order.Uint32(b))
	case 8:
		return order.Uint64(b)
	}
	return 0
}

// signExtend widens the size-byte two's-complement value v to 64 bits.
func signExtend(v uint64, size int) uint64 {
	shift := 64 - uint(size)*8
	return uint64(int64(v<<shift) >> shift)
}

func formatInt(v uint64, size int, signed bool) string {
	if signed {
		return strconv.FormatInt(int64(signExtend(v, size)), 10)
	}
	return strconv.FormatUint(v, 10)
}
