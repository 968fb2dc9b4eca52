package decode

import (
	"encoding/binary"
	"testing"
)

// handJSON is the typical event's JSON written by hand for that one struct: the floor
// that a compiled plan's interpretation overhead is measured against.
func handJSON(dst, r []byte) []byte {
	dst = append(dst, `{"pid":`...)
	dst = appendUint(dst, uint64(binary.LittleEndian.Uint32(r)))
	dst = append(dst, `,"tid":`...)
	dst = appendUint(dst, uint64(binary.LittleEndian.Uint32(r[4:])))
	dst = append(dst, `,"ts":`...)
	dst = appendUint(dst, binary.LittleEndian.Uint64(r[8:]))
	dst = append(dst, `,"comm":`...)
	dst = appendJSONString(dst, cString(r[16:32]))
	dst = append(dst, `,"ret":`...)
	dst = appendInt(dst, int64(int32(binary.LittleEndian.Uint32(r[32:]))))
	dst = append(dst, `,"flags":`...)
	dst = appendUint(dst, uint64(binary.LittleEndian.Uint32(r[36:])))
	dst = append(dst, `,"a":[`...)
	dst = appendUint(dst, binary.LittleEndian.Uint64(r[40:]))
	dst = append(dst, ',')
	dst = appendUint(dst, binary.LittleEndian.Uint64(r[48:]))
	return append(dst, "]}"...)
}

// BenchmarkHandWrittenTypical is BenchmarkAppendJSONTypical's work without the plan.
func BenchmarkHandWrittenTypical(b *testing.B) {
	r := typicalRecord()
	buf := make([]byte, 0, 4096)
	measure(b, func() { buf = handJSON(buf[:0], r) })
	d, err := New(eventType)
	if err != nil {
		b.Fatal(err)
	}
	if want := d.AppendJSON(nil, r); string(buf) != string(want) {
		b.Fatalf("hand-written JSON %s differs from the decoder's %s", buf, want)
	}
}
