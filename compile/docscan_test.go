package compile

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"testing"

	"github.com/cilium/ebpf/btf"
)

func TestDeclDocs(t *testing.T) {
	src := `#include "vmlinux.h"
/// One.
/// Two.
const volatile int a = 1;

/** Block
 *  doc. */
volatile char b[4] SEC(".data.x");

/// Separated by a blank line: not a doc.

int c;

/// Many declarators share the statement's doc.
int d, e;

// plain
int f;

/// A map.
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	int inner; /// member docs stay members'
} rb SEC(".maps");

/// A function, not a global.
static __always_inline int helper(int arg)
{
	/// A local.
	int g = 2;
	return g + arg;
}
int h = 3;

/// Kconfig extern.
extern int LINUX_KERNEL_VERSION __kconfig;
/// "string with /* comment */ inside"
const char s[] = "/// not a doc";
int t; /// trailing: about t, not u
int u;
/** Same line. */ int v;
///< Doxygen's trailing form.
int w;
`
	got := declDocs(lexC(src))
	want := map[string][]string{
		"a":                    {"One.", "Two."},
		"b":                    {"Block", "doc."},
		"d":                    {"Many declarators share the statement's doc."},
		"e":                    {"Many declarators share the statement's doc."},
		"rb":                   {"A map."},
		"LINUX_KERNEL_VERSION": {"Kconfig extern."},
		"s":                    {`"string with /* comment */ inside"`},
		"v":                    {"Same line."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("declDocs:\n got %q\nwant %q", got, want)
	}
}

func TestLicenseDoc(t *testing.T) {
	cases := []struct {
		lines []string
		want  string
	}{
		{nil, "<nil>"},
		{[]string{"Trace opens."}, "&{Version: Brief:Trace opens. Details: Description:}"},
		{[]string{"@brief Trace", "opens.", "@version 2", "@details line 1", "line 2"}, "&{Version:2 Brief:Trace opens. Details:line 1\nline 2 Description:}"},
	}
	for _, c := range cases {
		got := licenseDoc(c.lines)
		s := "<nil>"
		if got != nil {
			s = fmtDoc(got)
		}
		if s != c.want {
			t.Errorf("licenseDoc(%q) = %s, want %s", c.lines, s, c.want)
		}
	}
}

func TestInitialValue(t *testing.T) {
	le := binary.LittleEndian
	u8 := &btf.Int{Name: "unsigned char", Size: 1}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}
	cases := []struct {
		name string
		typ  btf.Type
		b    []byte
		want string
	}{
		{"s8", &btf.Int{Size: 1, Encoding: btf.Signed}, []byte{0xfe}, "-2"},
		// BTF may mark a char type both signed and char: the sign still counts.
		{"signed char", &btf.Int{Name: "signed char", Size: 1, Encoding: btf.Signed | btf.Char}, []byte{0xfe}, "-2"},
		{"u16", &btf.Int{Size: 2}, []byte{0x34, 0x12}, "4660"},
		{"s64 typedef", &btf.Typedef{Name: "s64", Type: &btf.Int{Size: 8, Encoding: btf.Signed}}, le.AppendUint64(nil, ^uint64(0)), "-1"},
		{"u64 max", &btf.Int{Size: 8}, le.AppendUint64(nil, ^uint64(0)), "18446744073709551615"},
		{"bool", &btf.Const{Type: &btf.Int{Size: 1, Encoding: btf.Bool}}, []byte{1}, "true"},
		{"char[8]", &btf.Array{Type: char, Nelems: 8}, []byte("hi\x00\x00\x00\x00\x00\x00"), `"hi"`},
		{"u8[2] full", &btf.Array{Type: u8, Nelems: 2}, []byte("ab"), `"ab"`},
		{"invalid utf8", &btf.Array{Type: char, Nelems: 2}, []byte{0xff, 0xfe}, ""},
		{"int[2]", &btf.Array{Type: &btf.Int{Size: 4}, Nelems: 2}, make([]byte, 8), ""},
		{"struct", &btf.Struct{Size: 4}, make([]byte, 4), ""},
		{"size mismatch", &btf.Int{Size: 4}, []byte{1}, ""},
		{"float", &btf.Float{Size: 8}, le.AppendUint64(nil, 0x3ff8000000000000), "1.5"},
	}
	for _, c := range cases {
		if got := string(initialValue(c.typ, c.b, le)); got != c.want {
			t.Errorf("%s: initialValue = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestInternalMapName(t *testing.T) {
	cases := map[[2]string]string{
		{"runqlat_bpf", ".rodata"}:       "runqlat_.rodata",
		{"runqlat_bpf", ".bss"}:          "runqlat_.bss",
		{"bootstrap_bpf", ".rodata"}:     "bootstra.rodata",
		{"x_bpf", ".data"}:               "x_bpf.data",
		{"runqlat_bpf", ".rodata.cfg"}:   ".rodata.cfg",
		{"a_bpf", ".rodata.str1.1"}:      ".rodata.str1.1",
		{"a_bpf", ".data.a_long_name_x"}: ".data.a_long_na",
		{"a-b_bpf", ".bss"}:              "a_b_bpf.bss",
	}
	for in, want := range cases {
		if got := internalMapName(in[0], in[1]); got != want {
			t.Errorf("internalMapName(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}

func TestObjName(t *testing.T) {
	for in, want := range map[string]string{"dir/opensnoop.bpf.c": "opensnoop_bpf", "x.c": "x_bpf", "noext": "noext_bpf"} {
		if got := objName(in); got != want {
			t.Errorf("objName(%q) = %q, want %q", in, got, want)
		}
	}
}

func fmtDoc(d interface{}) string {
	return fmt.Sprintf("%+v", d)
}
