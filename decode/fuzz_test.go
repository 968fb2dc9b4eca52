package decode

import (
	"encoding/json"
	"testing"

	"github.com/cilium/ebpf/btf"
)

// fuzzTypes covers every step kind: the benchmark event, bitfields, floats, enums,
// 128-bit integers, unions, nested arrays, a flexible char array and IP addresses
// (chosen by a family, and union members the family leaves out).
var fuzzTypes = func() []btf.Type {
	mode := &btf.Enum{Name: "mode", Size: 4, Signed: true, Values: []btf.EnumValue{{Name: "A", Value: 1}, {Name: "B\"q", Value: ^uint64(0)}}}
	inner := structOf("in", 8, member("x", tS16, 0), member("s", arrayOf(tChar, 6), 2))
	mixed := structOf("mixed", 96,
		btf.Member{Name: "b1", Type: tS32, Offset: 0, BitfieldSize: 7},
		btf.Member{Name: "b2", Type: mode, Offset: 7, BitfieldSize: 9},
		btf.Member{Name: "ok", Type: tBool, Offset: 16, BitfieldSize: 1},
		member("f", tF32, 4), member("d", tF64, 8), member("ld", tF128, 16),
		member("w", tS128, 32), member("u", &btf.Union{Name: "u", Size: 8, Members: []btf.Member{member("in", inner, 0), member("raw", tU64, 0)}}, 48),
		member("grid", arrayOf(arrayOf(inner, 2), 2), 56),
		member("e", mode, 88), member("p", &btf.Pointer{Target: tU8}, 88))
	exec := structOf("exec", 8, member("pid", tU32, 0), member("n", tU32, 4), member("args", arrayOf(tChar, 0), 8))
	return []btf.Type{eventType, mixed, exec, arrayOf(tChar, 16), lifeType, connectType}
}()

// FuzzAppendJSON checks that any bytes decode, under each type, to valid JSON without
// a panic, and that table cells never contain a newline.
func FuzzAppendJSON(f *testing.F) {
	f.Add(uint8(0), []byte(eventRecord()))
	f.Add(uint8(1), []byte("\xff\xfe\xfd\xfc\x00\x00\xc0\x7f\x00\x00\x00\x00\x00\x00\xf0\x7f"))
	f.Add(uint8(2), []byte("\x01\x00\x00\x00\x02\x00\x00\x00/bin/sh\x00-c\x00\xe2\x82"))
	f.Add(uint8(3), []byte("\"\\\n\x01\x80"))
	f.Add(uint8(4), []byte(newRec(40).ip(0, "127.0.0.1").u16(36, 2)))
	f.Add(uint8(5), []byte(newRec(38).ip(0, "::1").u32(32, 10)))
	decoders := make([]*Decoder, len(fuzzTypes))
	for i, t := range fuzzTypes {
		d, err := New(t)
		if err != nil {
			f.Fatal(err)
		}
		decoders[i] = d
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		d := decoders[int(which)%len(decoders)]
		out := d.AppendJSON(nil, data)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for %x: %s", data, out)
		}
		for i := range d.Fields() {
			for _, c := range d.AppendField(nil, i, data) {
				if c == '\n' || c == '\r' {
					t.Fatalf("field %d of %x has a line break", i, data)
				}
			}
		}
	})
}
