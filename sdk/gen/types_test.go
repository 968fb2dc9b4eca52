package gen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/internal/bpftest"
)

// awkward is a struct with every kind of member the generators handle: a
// nested named struct, an array of them, an anonymous struct, a union, a
// pointer, an enum, a bool, a bitfield pair, a float and a u64 that forces
// padding on wasm32's packed layout.
func awkward() *btf.Struct {
	u8 := &btf.Int{Name: "unsigned char", Size: 1}
	u16 := &btf.Int{Name: "unsigned short", Size: 2}
	s32 := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	u64 := &btf.Int{Name: "unsigned long long", Size: 8}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
	boolean := &btf.Int{Name: "_Bool", Size: 1, Encoding: btf.Bool}
	point := &btf.Struct{Name: "point", Size: 8, Members: []btf.Member{
		{Name: "x", Type: s32}, {Name: "y", Type: s32, Offset: 32},
	}}
	anon := &btf.Struct{Size: 4, Members: []btf.Member{{Name: "lo", Type: u16}, {Name: "hi", Type: u16, Offset: 16}}}
	union := &btf.Union{Name: "either", Size: 8, Members: []btf.Member{{Name: "a", Type: u64}, {Name: "b", Type: s32}}}
	enum := &btf.Enum{Name: "state", Size: 4, Values: []btf.EnumValue{{Name: "ON", Value: 1}}}
	return &btf.Struct{Name: "awkward_event", Size: 88, Members: []btf.Member{
		{Name: "flag", Type: boolean, Offset: 0},
		{Name: "bits_a", Type: u8, Offset: 8, BitfieldSize: 3},
		{Name: "bits_b", Type: u8, Offset: 11, BitfieldSize: 5},
		{Name: "half", Type: &btf.Typedef{Name: "__u16", Type: u16}, Offset: 16},
		{Name: "origin", Type: point, Offset: 32},
		{Name: "path", Type: &btf.Array{Type: point, Index: s32, Nelems: 2}, Offset: 96},
		{Name: "", Type: anon, Offset: 224},
		{Name: "value", Type: union, Offset: 256},
		{Name: "next", Type: &btf.Pointer{Target: point}, Offset: 320},
		{Name: "state", Type: enum, Offset: 384},
		{Name: "ratio", Type: &btf.Float{Name: "float", Size: 4}, Offset: 416},
		{Name: "comm", Type: &btf.Array{Type: char, Index: s32, Nelems: 16}, Offset: 448},
		{Name: "total", Type: &btf.Volatile{Type: u64}, Offset: 576},
	}}
}

// plain is a struct whose every member has a plain Go spelling, so that its
// DecodeRecord reads field by field: nested and arrays of structs, a union,
// arrays of signed and wide integers, a float, a pointer.
func plain(a *btf.Struct) *btf.Struct {
	m := map[string]btf.Member{}
	for _, mem := range a.Members {
		m[mem.Name] = mem
	}
	s8 := &btf.Int{Name: "signed char", Size: 1, Encoding: btf.Signed}
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	s16 := &btf.Int{Name: "short", Size: 2, Encoding: btf.Signed}
	dbl := &btf.Float{Name: "double", Size: 8}
	at := func(name string, off btf.Bits) btf.Member { mem := m[name]; mem.Offset = off; return mem }
	return &btf.Struct{Name: "plain_event", Size: 104, Members: []btf.Member{
		at("flag", 0),
		{Name: "tiny", Type: &btf.Array{Type: s8, Nelems: 3}, Offset: 8},
		{Name: "shorts", Type: &btf.Array{Type: s16, Nelems: 2}, Offset: 32},
		at("origin", 64),
		at("path", 128),
		at("value", 256),
		at("next", 320),
		{Name: "words", Type: &btf.Array{Type: u32, Nelems: 2}, Offset: 384},
		{Name: "big", Type: dbl, Offset: 448},
		at("comm", 512),
		at("ratio", 640),
		at("total", 704),
		{Name: "delta", Type: &btf.Int{Name: "long long", Size: 8, Encoding: btf.Signed}, Offset: 768},
	}}
}

// TestGoTypesLayout generates the Go struct for awkward and checks, in a Go
// program, that encoding/binary sees the C size and finds each value at its
// C offset.
func TestGoTypesLayout(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	g := newGoTypes()
	a := awkward()
	g.declare(a, "AwkwardEvent is a test struct.")
	g.declare(plain(a), "PlainEvent is a test struct.")
	imports := "\t\"encoding/binary\"\n\t\"fmt\"\n"
	if g.usesMath {
		imports += "\t\"math\"\n"
	}
	src := "package main\n\nimport (\n" + imports + ")\n" + g.b.String() + `
func main() {
	b := make([]byte, 88)
	b[0] = 1                        // flag
	b[2] = 0x34; b[3] = 0x12        // half
	b[4] = 5                        // origin.x
	b[24] = 9                       // path[1].y
	b[28] = 0xcd; b[29] = 0xab      // anonymous lo
	b[40] = 0xff                    // next
	b[48] = 1                       // state
	copy(b[56:], "bash")            // comm
	b[72] = 42                      // total
	var e, viaMethod AwkwardEvent
	_, err := binary.Decode(b, binary.LittleEndian, &e)
	fmt.Println(binary.Size(e), err, e.Flag, e.Half, e.Origin.X, e.Path[1].Y, e.Anon.Lo, e.Next, e.State, string(e.Comm[:4]), e.Total)
	fmt.Println(viaMethod.DecodeRecord(b), viaMethod == e, viaMethod.DecodeRecord(b[:87]) != nil)

	// PlainEvent: every byte distinct, read field by field and by reflection.
	p := make([]byte, 104)
	for i := range p {
		p[i] = byte(i*7 + 1)
	}
	var fast, slow PlainEvent
	_, err = binary.Decode(p, binary.LittleEndian, &slow)
	fmt.Println(binary.Size(slow), err, fast.DecodeRecord(p), fast == slow, fast.Tiny[2], fast.Shorts[1], fast.Path[1].Y, fast.Words[1], fast.Delta)
}
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module layout\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generated Go does not build: %v\n%s\n%s", err, out, src)
	}
	if got, want := strings.TrimSpace(string(out)), "88 <nil> true 4660 5 9 43981 255 1 bash 42\n<nil> true true\n"+
		"104 <nil> <nil> true 22 12843 -623653691 2189128813 -3257293586379593567"; got != want {
		t.Errorf("decoded %q, want %q\n%s", got, want, src)
	}
	flat := strings.Join(strings.Fields(src), " ")
	if method := flat[strings.Index(flat, "func (e *PlainEvent) DecodeRecord"):]; strings.Contains(method[:strings.Index(method, "return nil }")], "binary.Decode(") {
		t.Errorf("PlainEvent.DecodeRecord falls back to reflection:\n%s", src)
	}
	for _, want := range []string{"type Point struct", "Path [2]Point", "Value [8]byte", "Comm [16]byte // char comm[16]", "_ [8]byte }"} {
		if !strings.Contains(flat, want) {
			t.Errorf("generated Go lacks %q:\n%s", want, src)
		}
	}
}

// TestCTypesLayout generates the C definitions for awkward and compiles them
// for wasm32 with clang, whose static_asserts check the size, plus asserts of
// each member's offset.
func TestCTypesLayout(t *testing.T) {
	clang := bpftest.Clang()
	if _, err := exec.LookPath(clang); err != nil {
		t.Skipf("%s is not installed", clang)
	}
	c := newCTypes()
	c.define(awkward())
	var src strings.Builder
	src.WriteString("#define static_assert _Static_assert\n#include <stddef.h>\n#include <stdint.h>\n" + c.b.String())
	for member, off := range map[string]int{"flag": 0, "half": 2, "origin": 4, "path": 12, "__anon": 28, "value": 32, "next": 40, "state": 48, "ratio": 52, "comm": 56, "total": 72} {
		fmt.Fprintf(&src, "static_assert(offsetof(struct awkward_event, %s) == %d, \"%s\");\n", member, off, member)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "layout.c")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Freestanding: the layout check needs no libc.
	out, err := exec.Command(clang, "--target=wasm32", "-ffreestanding", "-fsyntax-only", "-Wall", "-Werror", file).CombinedOutput()
	if err != nil {
		t.Fatalf("generated C does not compile or has the wrong layout: %v\n%s\n%s", err, out, src.String())
	}
}
