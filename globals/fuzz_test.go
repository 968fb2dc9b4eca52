package globals

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"
)

// fuzzTypes are the types FuzzParse picks from by its first argument. The kept
// corpus in testdata/fuzz/FuzzParse refers to them by index: append only.
var fuzzTypes = []btf.Type{
	tU8, tS8, tChar, tU16, tS16, tU32T, tInt, tPid, tCVPid, tU64T, tS64, tInt128,
	tBoolT, tMode, tSigned, tBig, tTiny, tFloat, tDouble, tLongD,
	tComm, tUComm, tCVComm, tPorts, tShorts, tModes, tFloats,
	tStruct, tUnion, tPtr, tMatrix, tStructs,
}

// FuzzParse checks that Parse never panics, that what it accepts has exactly
// the type's size, that errors stay on one line, and that Format's text of
// accepted bytes parses back to the same bytes.
func FuzzParse(f *testing.F) {
	for i, s := range []string{"0", "-1", "0x7f", "300", "true", "MODE_C", "1.5", "nomia", "1,2,3", ""} {
		f.Add(uint8(i*3), s)
	}
	f.Fuzz(func(t *testing.T, kind uint8, s string) {
		typ := fuzzTypes[int(kind)%len(fuzzTypes)]
		b, err := Parse(typ, s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse(%s, %q): error spans lines: %q", ctypeOf(typ), s, err)
			}
			return
		}
		size, serr := btf.Sizeof(typ)
		if serr != nil || len(b) != size {
			t.Fatalf("Parse(%s, %q) = %d bytes, want %d", ctypeOf(typ), s, len(b), size)
		}
		text, err := Format(typ, b)
		if err != nil {
			t.Fatalf("Format(%s, %x) after Parse(%q): %v", ctypeOf(typ), b, s, err)
		}
		again, err := Parse(typ, text)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%s: %q → %x → %q → %x, %v", ctypeOf(typ), s, b, text, again, err)
		}
	})
}
