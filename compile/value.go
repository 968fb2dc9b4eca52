package compile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/cilium/ebpf/btf"
)

// initialValue renders a global's initial bytes as JSON when the type is a
// number, bool, enum or char array; nil (no value) for anything else.
func initialValue(t btf.Type, b []byte, order binary.ByteOrder) json.RawMessage {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if int(u.Size) != len(b) {
			return nil
		}
		// Encoding is a bit set: a signed char may be Signed|Char.
		if u.Encoding&btf.Bool != 0 {
			return json.RawMessage(strconv.FormatBool(!allZero(b)))
		}
		return intJSON(b, u.Encoding&btf.Signed != 0, order)
	case *btf.Enum:
		if int(u.Size) != len(b) {
			return nil
		}
		return intJSON(b, u.Signed, order)
	case *btf.Float:
		switch len(b) {
		case 4:
			return floatJSON(float64(math.Float32frombits(order.Uint32(b))))
		case 8:
			return floatJSON(math.Float64frombits(order.Uint64(b)))
		}
	case *btf.Array:
		elem, ok := btf.UnderlyingType(u.Type).(*btf.Int)
		if !ok || elem.Size != 1 || int(u.Nelems) != len(b) || elem.Encoding&btf.Bool != 0 {
			return nil
		}
		s := b
		if i := bytes.IndexByte(b, 0); i >= 0 {
			s = b[:i]
		}
		if !utf8.Valid(s) {
			return nil
		}
		out, _ := json.Marshal(string(s))
		return out
	}
	return nil
}

func intJSON(b []byte, signed bool, order binary.ByteOrder) json.RawMessage {
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
	case 2:
		u = uint64(order.Uint16(b))
	case 4:
		u = uint64(order.Uint32(b))
	case 8:
		u = order.Uint64(b)
	default:
		return nil
	}
	if signed {
		shift := 64 - 8*uint(len(b))
		return json.RawMessage(strconv.FormatInt(int64(u<<shift)>>shift, 10))
	}
	return json.RawMessage(strconv.FormatUint(u, 10))
}

func floatJSON(f float64) json.RawMessage {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
