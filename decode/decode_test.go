package decode

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"
)

type jsonCase struct {
	name string
	typ  btf.Type
	rec  []byte
	want string
}

func runJSONCases(t *testing.T, cases []jsonCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.typ)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got := string(d.AppendJSON(nil, tc.rec))
			if got != tc.want {
				t.Errorf("AppendJSON\n got %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("invalid JSON: %s", got)
			}
		})
	}
}

func TestJSONIntegers(t *testing.T) {
	typ := structOf("ints", 32,
		member("u8", tU8, 0), member("s8", tS8, 1), member("u16", tU16, 2), member("s16", tS16, 4),
		member("u32", tU32, 8), member("s32", tS32, 12), member("u64", tU64, 16), member("s64", tS64, 24))
	runJSONCases(t, []jsonCase{
		{"max", typ, newRec(32).u8(0, 255).u8(1, 0x7f).u16(2, 65535).u16(4, 0x7fff).
			u32(8, math.MaxUint32).u32(12, math.MaxInt32).u64(16, math.MaxUint64).u64(24, math.MaxInt64),
			`{"u8":255,"s8":127,"u16":65535,"s16":32767,"u32":4294967295,"s32":2147483647,"u64":18446744073709551615,"s64":9223372036854775807}`},
		{"min", typ, newRec(32).u8(1, 0x80).u16(4, 0x8000).u32(12, 0x80000000).u64(24, 1<<63),
			`{"u8":0,"s8":-128,"u16":0,"s16":-32768,"u32":0,"s32":-2147483648,"u64":0,"s64":-9223372036854775808}`},
	})
}

func TestJSONInt128(t *testing.T) {
	typ := structOf("wide", 32, member("u", tU128, 0), member("s", tS128, 16))
	runJSONCases(t, []jsonCase{
		{"small", typ, newRec(32).u64(0, 42).u64(16, ^uint64(0)).u64(24, ^uint64(0)),
			`{"u":"42","s":"-1"}`},
		{"extremes", typ, newRec(32).u64(0, ^uint64(0)).u64(8, ^uint64(0)).u64(24, 1<<63),
			`{"u":"340282366920938463463374607431768211455","s":"-170141183460469231731687303715884105728"}`},
		{"carry", typ, newRec(32).u64(8, 1).u64(16, 0).u64(24, ^uint64(0)),
			`{"u":"18446744073709551616","s":"-18446744073709551616"}`},
	})
}

func TestJSONBoolsAndPointers(t *testing.T) {
	typ := structOf("bp", 16, member("on", tBool, 0), member("off", tBool, 1),
		member("p", &btf.Pointer{Target: &btf.Void{}}, 8))
	runJSONCases(t, []jsonCase{
		{"values", typ, newRec(16).u8(0, 7).u64(8, 0xffff888000001000),
			`{"on":true,"off":false,"p":18446612682070036480}`},
	})
}

func TestJSONEnums(t *testing.T) {
	state := &btf.Enum{Name: "state", Size: 4, Values: []btf.EnumValue{{Name: "IDLE", Value: 0}, {Name: "BUSY", Value: 5}, {Name: "ALIAS", Value: 5}}}
	signed := &btf.Enum{Name: "sgn", Size: 2, Signed: true, Values: []btf.EnumValue{{Name: "NEG", Value: math.MaxUint64}, {Name: "POS", Value: 1}}}
	big := &btf.Enum{Name: "big", Size: 8, Values: []btf.EnumValue{{Name: "TOP", Value: math.MaxUint64}}}
	typ := structOf("e", 16, member("s", state, 0), member("g", signed, 4), member("b", big, 8))
	runJSONCases(t, []jsonCase{
		{"named", typ, newRec(16).u32(0, 5).u16(4, 0xffff).u64(8, math.MaxUint64),
			`{"s":"BUSY","g":"NEG","b":"TOP"}`},
		{"unnamed", typ, newRec(16).u32(0, 7).u16(4, 0xfffe).u64(8, 3),
			`{"s":7,"g":-2,"b":3}`},
	})
}

func TestJSONFloats(t *testing.T) {
	typ := structOf("f", 32, member("f", tF32, 0), member("d", tF64, 8), member("x", tF128, 16))
	runJSONCases(t, []jsonCase{
		{"finite", typ, newRec(32).u32(0, math.Float32bits(1.5)).u64(8, math.Float64bits(-0.1)),
			`{"f":1.5,"d":-0.1,"x":null}`},
		{"huge", typ, newRec(32).u32(0, math.Float32bits(3e38)).u64(8, math.Float64bits(1e300)),
			`{"f":3e+38,"d":1e+300,"x":null}`},
		{"nan-inf", typ, newRec(32).u32(0, math.Float32bits(float32(math.NaN()))).u64(8, math.Float64bits(math.Inf(-1))),
			`{"f":null,"d":null,"x":null}`},
	})
}

func TestJSONStrings(t *testing.T) {
	typ := structOf("s", 24,
		member("c", arrayOf(tChar, 8), 0),
		member("u", arrayOf(&btf.Const{Type: tU8}, 8), 8),
		member("b", arrayOf(tTdU8, 4), 16),
		member("k", arrayOf(&btf.Int{Name: "x", Size: 1, Encoding: btf.Char}, 4), 20))
	runJSONCases(t, []jsonCase{
		{"plain", typ, newRec(24).str(0, "bash").str(8, "full8byt").str(16, "ab").str(20, "hey"),
			`{"c":"bash","u":"full8byt","b":[97,98,0,0],"k":"hey"}`},
		{"escapes", typ, newRec(24).str(0, "a\"\\\n\t\x01").str(8, "\xff\xc3\xa9\xe2\x82").str(20, "\r\x7f"),
			`{"c":"a\"\\\n\t\u0001","u":"\u00ffé\u00e2\u0082","b":[0,0,0,0],"k":"\r\u007f"}`},
	})
}

func TestJSONArrays(t *testing.T) {
	inner := structOf("pt", 4, member("x", tU16, 0), member("y", tS16, 2))
	typ := structOf("arr", 32,
		member("m", arrayOf(arrayOf(tTdU8, 3), 2), 0),
		member("names", arrayOf(arrayOf(tChar, 4), 2), 6),
		member("pts", arrayOf(inner, 2), 14),
		member("none", arrayOf(tU32, 0), 24),
		member("w", arrayOf(tTdU32, 2), 24))
	runJSONCases(t, []jsonCase{
		{"nested", typ, newRec(32).u8(0, 1).u8(2, 3).u8(5, 6).str(6, "ab").str(10, "cdef").
			u16(14, 7).u16(16, 0xffff).u16(18, 9).u32(24, 10).u32(28, 11),
			`{"m":[[1,0,3],[0,0,6]],"names":["ab","cdef"],"pts":[{"x":7,"y":-1},{"x":9,"y":0}],"none":[],"w":[10,11]}`},
	})
}

func TestJSONComposites(t *testing.T) {
	inner := structOf("inner", 8, member("a", tU32, 0), member("b", tU32, 4))
	named := &btf.Union{Name: "val", Size: 4, Members: []btf.Member{member("i", tS32, 0), member("u", tU32, 0)}}
	anonUnion := &btf.Union{Size: 4, Members: []btf.Member{member("fd", tS32, 0), member("raw", tU32, 0)}}
	anonStruct := structOf("", 4, member("lo", tU16, 0), member("hi", tU16, 2))
	typ := structOf("outer", 24,
		member("in", &btf.Typedef{Name: "inner_t", Type: &btf.Volatile{Type: inner}}, 0),
		member("v", named, 8),
		member("", anonUnion, 12),
		member("", anonStruct, 16),
		btf.Member{Name: "", Type: tU32, Offset: 160, BitfieldSize: 3}, // padding
		member("tail", tU8, 23))
	runJSONCases(t, []jsonCase{
		{"values", typ, newRec(24).u32(0, 1).u32(4, 2).u32(8, 0xffffffff).u32(12, 0xfffffffd).u16(16, 3).u16(18, 4).u8(23, 5),
			`{"in":{"a":1,"b":2},"v":{"i":-1,"u":4294967295},"fd":-3,"raw":4294967293,"lo":3,"hi":4,"tail":5}`},
	})
	d, err := New(typ)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range d.Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "in,v,fd,raw,lo,hi,tail" {
		t.Errorf("Fields = %s", got)
	}
}

func TestJSONBitfields(t *testing.T) {
	mode := &btf.Enum{Name: "mode", Size: 4, Values: []btf.EnumValue{{Name: "R", Value: 1}, {Name: "W", Value: 2}}}
	typ := structOf("bits", 24,
		btf.Member{Name: "a", Type: tU32, Offset: 0, BitfieldSize: 3},
		btf.Member{Name: "b", Type: tS32, Offset: 3, BitfieldSize: 5},
		btf.Member{Name: "c", Type: tU32, Offset: 8, BitfieldSize: 12},
		btf.Member{Name: "m", Type: mode, Offset: 20, BitfieldSize: 2},
		btf.Member{Name: "f", Type: tBool, Offset: 22, BitfieldSize: 1},
		btf.Member{Name: "big", Type: tU64, Offset: 68, BitfieldSize: 64},
		btf.Member{Name: "neg", Type: tS64, Offset: 132, BitfieldSize: 33})
	// a=5 (bits 0-2), b=-3 (bits 3-7: 11101), c=0xabc, m=2, f=1.
	word := uint32(5) | uint32(0b11101)<<3 | 0xabc<<8 | 2<<20 | 1<<22
	r := newRec(24).u32(0, word)
	// big: all 64 bits set from bit 68, which spans nine bytes (8..16).
	r = r.u64(8, math.MaxUint64&^0xf).u8(16, 0x0f)
	// neg: 33 bits from bit 132 holding -2.
	negBits := uint64(1<<33-2) << 4
	r = r.u64(16, uint64(r[16])|negBits)
	runJSONCases(t, []jsonCase{
		{"values", typ, r,
			`{"a":5,"b":-3,"c":2748,"m":"W","f":true,"big":18446744073709551615,"neg":-2}`},
	})
}

func TestJSONScalarTopLevel(t *testing.T) {
	runJSONCases(t, []jsonCase{
		{"u32", &btf.Typedef{Name: "__u32", Type: tU32}, newRec(4).u32(0, 9), `{"value":9}`},
		{"string", arrayOf(tChar, 8), []byte("hi\x00junk"), `{"value":"hi"}`},
	})
}

func TestJSONTruncated(t *testing.T) {
	full := eventRecord()
	cases := []jsonCase{
		{"empty", eventType, nil, `{}`},
		{"pid-only", eventType, full[:7], `{"pid":4242}`},
		{"cut-in-comm", eventType, full[:18], `{"pid":4242,"tid":4243,"ts":1234567890123456789,"comm":"ba"}`},
		{"cut-in-array", eventType, full[:55], `{"pid":4242,"tid":4243,"ts":1234567890123456789,"comm":"bash","ret":-2,"flags":2147483648,"a":[1]}`},
		{"full", eventType, full, eventJSON},
		{"longer", eventType, append(append([]byte{}, full...), 1, 2, 3), eventJSON},
	}
	flexStr := structOf("exec", 8, member("pid", tU32, 0), member("argc", tU32, 4), member("args", arrayOf(tChar, 0), 8))
	flexArr := structOf("samples", 4, member("n", tU32, 0), member("v", arrayOf(tU16, 0), 4))
	nested := structOf("n", 12, member("x", tU32, 0), member("in", structOf("in", 8, member("a", tU32, 0), member("b", tU32, 4)), 4))
	cases = append(cases,
		jsonCase{"flex-string", flexStr, []byte("\x01\x00\x00\x00\x02\x00\x00\x00/bin/ls\x00-l\x00"), `{"pid":1,"argc":2,"args":"/bin/ls"}`},
		jsonCase{"flex-string-empty", flexStr, newRec(8), `{"pid":0,"argc":0,"args":""}`},
		jsonCase{"flex-array", flexArr, newRec(9).u32(0, 2).u16(4, 7).u16(6, 8), `{"n":2,"v":[7,8]}`},
		jsonCase{"nested-partial", nested, newRec(10).u32(4, 1), `{"x":0,"in":{"a":1}}`},
	)
	runJSONCases(t, cases)
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		typ  btf.Type
		want string
	}{
		{&btf.Fwd{Name: "task_struct"}, "forward declaration task_struct"},
		{&btf.Void{}, "void"},
		{&btf.Func{Name: "handler", Type: &btf.FuncProto{Return: &btf.Void{}}}, "function handler"},
		{structOf("holder", 8, member("f", &btf.Fwd{Name: "opaque"}, 0)), "field f"},
		{structOf("odd", 3, member("x", &btf.Int{Name: "u24", Size: 3}, 0)), "unsupported size 3"},
		{nil, "no type"},
	} {
		_, err := New(tc.typ)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("New(%v) error = %v, want one line containing %q", tc.typ, err, tc.want)
		}
	}
}

func TestDecoderMetadata(t *testing.T) {
	d, err := New(eventType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name() != "event" || d.Size() != 64 {
		t.Errorf("Name, Size = %q, %d", d.Name(), d.Size())
	}
	want := []Field{
		{Name: "pid", Offset: 0, Size: 4, Width: 10},
		{Name: "tid", Offset: 4, Size: 4, Width: 10},
		{Name: "ts", Offset: 8, Size: 8, Width: 20},
		{Name: "comm", Offset: 16, Size: 16, Width: 16},
		{Name: "ret", Offset: 32, Size: 4, Width: 11},
		{Name: "flags", Offset: 36, Size: 4, Width: 10},
		{Name: "a", Offset: 40, Size: 16, Width: 0},
	}
	got := d.Fields()
	if len(got) != len(want) {
		t.Fatalf("got %d fields, want %d", len(got), len(want))
	}
	for i, f := range got {
		f.Type = nil
		if f != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, f, want[i])
		}
	}
	anon, err := New(&btf.Typedef{Name: "event_t", Type: structOf("", 4, member("x", tU32, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if anon.Name() != "event_t" {
		t.Errorf("Name of typedef'd anonymous struct = %q", anon.Name())
	}
}

func TestAppendField(t *testing.T) {
	inner := structOf("in", 8, member("a", tU32, 0), member("s", arrayOf(tChar, 4), 4))
	state := &btf.Enum{Name: "st", Size: 4, Values: []btf.EnumValue{{Name: "ON", Value: 1}}}
	typ := structOf("row", 56,
		member("n", tS32, 0),
		member("comm", arrayOf(tChar, 8), 4),
		member("in", inner, 12),
		member("arr", arrayOf(tU16, 3), 20),
		member("p", &btf.Pointer{Target: tU8}, 32),
		member("st", state, 40),
		member("f", tF64, 48))
	r := newRec(56).u32(0, 0xffffffff).str(4, "a b\n\xff").u32(12, 1).str(16, "xy").
		u16(20, 1).u16(22, 2).u64(32, 0xdead).u32(40, 1).u64(48, math.Float64bits(math.NaN()))
	d, err := New(typ)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-1", `a b\x0a\xff`, "{a=1 s=xy}", "[1,2,0]", "0xdead", "ON", "NaN"}
	for i, w := range want {
		if got := string(d.AppendField(nil, i, r)); got != w {
			t.Errorf("field %d = %q, want %q", i, got, w)
		}
	}
	if got := d.AppendField([]byte("x"), 0, r[:2]); string(got) != "x" {
		t.Errorf("absent field appended %q", got)
	}
	if got := d.AppendField(nil, 99, r); len(got) != 0 {
		t.Errorf("out-of-range field appended %q", got)
	}
}

func TestAppendJSONMembers(t *testing.T) {
	d, err := New(eventType)
	if err != nil {
		t.Fatal(err)
	}
	got := string(d.AppendJSONMembers([]byte(`{"time":1`), eventRecord())) + "}"
	if want := `{"time":1,` + eventJSON[1:]; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// A zero-length array is a flexible array member only when it ends the record:
// one that ends an anonymous union in the middle of the struct has no elements.
func TestZeroLengthArrayInsideAnonymousMember(t *testing.T) {
	mid := structOf("mid", 12,
		member("n", tU32, 0),
		member("", &btf.Union{Size: 4, Members: []btf.Member{member("raw", tU32, 0), member("tag", arrayOf(tChar, 0), 0)}}, 4),
		member("after", tU32, 8))
	end := structOf("end", 8,
		member("n", tU32, 0),
		member("", structOf("", 4, member("len", tU32, 0), member("data", arrayOf(tChar, 0), 4)), 4))
	runJSONCases(t, []jsonCase{
		{"in-the-middle", mid, newRec(12).u32(0, 1).str(4, "ABC\x00").u32(8, 7), `{"n":1,"raw":4407873,"tag":"","after":7}`},
		{"at-the-end", end, newRec(8).u32(0, 1).u32(4, 2), `{"n":1,"len":2,"data":""}`},
		{"at-the-end-with-data", end, append(newRec(8).u32(0, 1).u32(4, 2), "hi\x00"...), `{"n":1,"len":2,"data":"hi"}`},
	})
}
