package globals

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/cilium/ebpf/btf"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		typ  btf.Type
		in   string // hex bytes
		want string
	}{
		{tU8, "ff", "255"},
		{tS8, "80", "-128"},
		{tCVPid, "ffffffff", "-1"},
		{tU64T, "ffffffffffffffff", "18446744073709551615"},
		{tS64, "0000000000000080", "-9223372036854775808"},
		{tBoolT, "01", "true"},
		{tBoolT, "00", "false"},
		{tMode, "05000000", "MODE_C"},
		{tMode, "10000000", "16"},
		{tSigned, "ffffffff", "LOW"},
		{tSigned, "feffffff", "-2"},
		{tBig, "0000000000010000", "HUGE"},
		{tFloat, "0000c03f", "1.5"},
		{tDouble, "9a9999999999b93f", "0.1"},
		{tComm, "6e6f6d6961000000", "nomia"},
		{tCVComm, "6162006364000000", "ab"},
		{tPorts, "50000000bb01000000000000", "80,443"},
		{tPorts, "000000000000000000000000", "0"},
		{tPorts, "000000000000000003000000", "0,0,3"},
		{tModes, "0500000001000000", "MODE_C,MODE_B"},
	} {
		b, _ := hex.DecodeString(tc.in)
		got, err := Format(tc.typ, b)
		if err != nil || got != tc.want {
			t.Errorf("Format(%s, %s) = %q, %v; want %q", ctypeOf(tc.typ), tc.in, got, err, tc.want)
		}
	}
}

// TestFormatRoundTrip checks that Format's text parses back to the same bytes,
// which is what makes Var.Default usable as a flag value.
func TestFormatRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		typ btf.Type
		in  string
	}{
		{tU8, "200"}, {tS8, "-7"}, {tPid, "-99"}, {tU64T, "0xffffffffffffffff"},
		{tBoolT, "yes"}, {tMode, "mode_c"}, {tMode, "3"}, {tSigned, "-5"}, {tBig, "HUGE"},
		{tFloat, "0.1"}, {tDouble, "-1e300"}, {tComm, "héé"}, {tUComm, "xyz"},
		{tPorts, "0,7"}, {tShorts, "-1,-2"}, {tFloats, "0.5"},
	} {
		b, err := Parse(tc.typ, tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		text, err := Format(tc.typ, b)
		if err != nil {
			t.Fatalf("Format(%x): %v", b, err)
		}
		again, err := Parse(tc.typ, text)
		if err != nil || !bytes.Equal(again, b) {
			t.Errorf("%s %q → %x → %q → %x, %v", ctypeOf(tc.typ), tc.in, b, text, again, err)
		}
	}
}

func TestFormatErrors(t *testing.T) {
	for _, tc := range []struct {
		typ  btf.Type
		in   []byte
		want string
	}{
		{tU32, []byte{1}, "cannot format unsigned int: got 1 bytes, want 4"},
		{tStruct, make([]byte, 8), "cannot set struct cfg from the command line: structs are not supported (initialize it in the C source)"},
		{nil, nil, "cannot format a global without BTF type information"},
	} {
		if _, err := Format(tc.typ, tc.in); err == nil || err.Error() != tc.want {
			t.Errorf("Format(%s) error = %v, want %q", ctypeOf(tc.typ), err, tc.want)
		}
	}
}
