package globals

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/cilium/ebpf/btf"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  btf.Type
		in   string
		want string // hex bytes, little-endian
	}{
		{"u8 max", tU8, "255", "ff"},
		{"u8 zero", tU8, "0", "00"},
		{"u8 hex", tU8, "0xfE", "fe"},
		{"u8 octal 0o", tU8, "0o17", "0f"},
		{"u8 octal 0", tU8, "017", "0f"},
		{"u8 binary", tU8, "0b101", "05"},
		{"u8 through const volatile", tCVU8, "7", "07"},
		{"u8 spaces", tU8, " 9 ", "09"},
		{"s8 min", tS8, "-128", "80"},
		{"s8 max", tS8, "127", "7f"},
		{"s8 negative hex", tS8, "-0x80", "80"},
		{"char as number", tChar, "65", "41"},
		{"u16", tU16, "0x1234", "3412"},
		{"s16 -2", tS16, "-2", "feff"},
		{"u32 max", tU32T, "4294967295", "ffffffff"},
		{"int min", tInt, "-2147483648", "00000080"},
		{"pid_t", tPid, "1234", "d2040000"},
		{"pid_t const volatile", tCVPid, "-1", "ffffffff"},
		{"pid_t plus sign", tPid, "+5", "05000000"},
		{"u64 max", tU64T, "18446744073709551615", "ffffffffffffffff"},
		{"u64 hex", tU64T, "0x0102030405060708", "0807060504030201"},
		{"s64 min", tS64, "-9223372036854775808", "0000000000000080"},
		{"bool true", tBoolT, "true", "01"},
		{"bool yes", tBoolT, "YES", "01"},
		{"bool 1", tBool, "1", "01"},
		{"bool false", tBoolT, "false", "00"},
		{"bool no", tBoolT, "no", "00"},
		{"bool 0", tBoolT, "0", "00"},
		{"enum name", tMode, "MODE_C", "05000000"},
		{"enum name any case", tMode, "mode_b", "01000000"},
		{"enum number", tMode, "1", "01000000"},
		{"enum number not an enumerator", tMode, "0x10", "10000000"},
		{"signed enum name", tSigned, "LOW", "ffffffff"},
		{"signed enum negative", tSigned, "-1", "ffffffff"},
		{"enum64 name", tBig, "HUGE", "0000000000010000"},
		{"enum64 number", tBig, "0x20000000000", "0000000000020000"},
		{"enum size 1", tTiny, "T1", "01"},
		{"float", tFloat, "1.5", "0000c03f"},
		{"float negative", tFloat, "-2", "000000c0"},
		{"float inf", tFloat, "inf", "0000807f"},
		{"double", tDouble, "0.1", "9a9999999999b93f"},
		{"char[8]", tComm, "nomia", "6e6f6d6961000000"},
		{"char[8] full", tComm, "1234567", "3132333435363700"},
		{"char[8] empty", tComm, "", "0000000000000000"},
		{"char[8] const volatile elements", tCVComm, "ab", "6162000000000000"},
		{"unsigned char[4]", tUComm, "abc", "61626300"},
		{"u32 list", tPorts, "80,443,0x10", "50000000bb01000010000000"},
		{"u32 list partial", tPorts, "80", "500000000000000000000000"},
		{"u32 list spaces", tPorts, " 1, 2 ", "010000000200000000000000"},
		{"u32 list empty", tPorts, "", "000000000000000000000000"},
		{"s16 list", tShorts, "-1,2", "ffff0200"},
		{"enum list", tModes, "MODE_C,1", "0500000001000000"},
		{"float list", tFloats, "1.5,-2", "0000c03f000000c0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.typ, tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			want, _ := hex.DecodeString(tc.want)
			if !bytes.Equal(got, want) {
				t.Fatalf("Parse(%q) = %x, want %x", tc.in, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  btf.Type
		in   string
		want string
	}{
		{"u8 too big", tU8, "300", "value 300 out of range for u8 (0..255)"},
		{"u8 negative", tU8, "-1", "value -1 out of range for u8 (0..255)"},
		{"u8 beyond u64", tU8, "99999999999999999999", "value 99999999999999999999 out of range for u8 (0..255)"},
		{"s8 too small", tS8, "-129", "value -129 out of range for __s8 (-128..127)"},
		{"pid_t too big", tCVPid, "2147483648", "value 2147483648 out of range for pid_t (-2147483648..2147483647)"},
		{"u64 too big", tU64T, "18446744073709551616", "value 18446744073709551616 out of range for __u64 (0..18446744073709551615)"},
		{"s64 too small", tS64, "-9223372036854775809", "value -9223372036854775809 out of range for long long (-9223372036854775808..9223372036854775807)"},
		{"not a number", tU32T, "abc", `invalid value "abc" for __u32: want an integer in 0..4294967295 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"overflow then newline", tU32T, "18700000000000000000\n0", `invalid value "18700000000000000000\n0" for __u32: want an integer in 0..4294967295 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"underscore", tU32T, "1_000", `invalid value "1_000" for __u32: want an integer in 0..4294967295 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"empty int", tInt, "", `invalid value "" for int: want an integer in -2147483648..2147483647 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"bad octal", tInt, "08", `invalid value "08" for int: want an integer in -2147483648..2147483647 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"double sign", tInt, "-+5", `invalid value "-+5" for int: want an integer in -2147483648..2147483647 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"float for int", tInt, "1.5", `invalid value "1.5" for int: want an integer in -2147483648..2147483647 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"int128", tInt128, "1", "cannot set __int128 from the command line: 16-byte integers are not supported"},
		{"bool word", tBoolT, "maybe", `invalid value "maybe" for bool: want true, false, yes, no, 1 or 0`},
		{"bool 2", tBoolT, "2", `invalid value "2" for bool: want true, false, yes, no, 1 or 0`},
		{"enum name", tMode, "MODE_D", `invalid value "MODE_D" for enum mode: want one of MODE_A, MODE_B, MODE_C, or a number`},
		{"many enumerators", tMany, "X", `invalid value "X" for enum many: want one of E0, E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13, E14, E15, … (4 more), or a number`},
		{"enum number out of range", tTiny, "256", "value 256 out of range for enum tiny (0..255)"},
		{"enum64 name", tBig, "NOPE", `invalid value "NOPE" for enum big: want one of SMALL, HUGE, or a number`},
		{"float word", tFloat, "fast", `invalid value "fast" for float: want a number such as 1.5, -2e-3 or inf`},
		{"float too big", tFloat, "1e39", "value 1e39 out of range for float"},
		{"long double", tLongD, "1", "cannot set long double from the command line: 16-byte floats are not supported"},
		{"char[8] too long", tComm, "12345678", `value "12345678" too long for char[8]: at most 7 bytes (one is kept for the NUL)`},
		{"char[8] NUL", tComm, "a\x00b", `value "a\x00b" for char[8] contains a NUL byte`},
		{"list too long", tPorts, "1,2,3,4", "too many values for __u32[3]: got 4, at most 3 (comma-separated)"},
		{"list element", tPorts, "1,-2", "element 1 of __u32[3]: value -2 out of range for __u32 (0..4294967295)"},
		{"list empty element", tPorts, "1,,3", `element 1 of __u32[3]: invalid value "" for __u32: want an integer in 0..4294967295 (decimal, 0x hex, 0o octal or 0b binary)`},
		{"struct", tStruct, "1", "cannot set struct cfg from the command line: structs are not supported (initialize it in the C source)"},
		{"union", tUnion, "1", "cannot set union u from the command line: unions are not supported (initialize it in the C source)"},
		{"pointer", tPtr, "0", "cannot set char * from the command line: pointers are not supported (initialize it in the C source)"},
		{"array of arrays", tMatrix, "a", "cannot set char[2][8] from the command line: arrays of this element type are not supported (initialize it in the C source)"},
		{"array of structs", tStructs, "", "cannot set struct cfg[2] from the command line: arrays of this element type are not supported (initialize it in the C source)"},
		{"no type", nil, "1", "cannot set a global without BTF type information: rebuild the object with -g"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.typ, tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %x, want error %q", tc.in, got, tc.want)
			}
			if err.Error() != tc.want {
				t.Fatalf("Parse(%q) error:\n got %q\nwant %q", tc.in, err, tc.want)
			}
		})
	}
}
