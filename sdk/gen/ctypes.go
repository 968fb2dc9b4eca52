package gen

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/ctype"
)

// cDecl is how the BPF source declares name of type t, for comments.
func cDecl(t btf.Type, name string) string {
	spelled := ctype.Name(t)
	if base, dims, ok := strings.Cut(spelled, "["); ok && !strings.Contains(base, "(") {
		return strings.TrimSpace(base) + " " + name + "[" + dims
	}
	return strings.TrimSpace(spelled + " " + name)
}

// cTypes writes C struct definitions for wasm32 whose layout is that of BTF
// structs on the BPF target: packed, with padding spelled out, each checked
// with a static_assert on its size. Integers become <stdint.h> types (wasm32's
// long is 4 bytes, BPF's 8), pointers uint64_t.
type cTypes struct {
	b        strings.Builder
	declared map[*btf.Struct]bool
	names    map[string]bool
}

func newCTypes() *cTypes {
	return &cTypes{declared: map[*btf.Struct]bool{}, names: map[string]bool{}}
}

// define writes the definition of s after those of the named structs it
// contains; a second struct of the same name (possible across BTF) is skipped.
func (c *cTypes) define(s *btf.Struct) {
	if c.declared[s] || c.names[s.Name] {
		return
	}
	c.declared[s], c.names[s.Name] = true, true
	for _, f := range layout(s) {
		if f.Member != nil {
			c.defineUsed(f.Member.Type)
		}
	}
	fmt.Fprintf(&c.b, "\nstruct %s {\n%s} __attribute__((packed));\n", s.Name, c.fields(layout(s), "\t"))
	fmt.Fprintf(&c.b, "static_assert(sizeof(struct %s) == %d, \"struct %s is %d bytes in the BPF object\");\n", s.Name, s.Size, s.Name, s.Size)
}

// defineUsed defines the named structs t is built from.
func (c *cTypes) defineUsed(t btf.Type) {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Array:
		c.defineUsed(u.Type)
	case *btf.Struct:
		if u.Name != "" {
			c.define(u)
		}
	}
}

// fields spells the members of a layout, one per line.
func (c *cTypes) fields(fs []field, indent string) string {
	var b strings.Builder
	names := unique{}
	for _, f := range fs {
		if f.Member == nil {
			fmt.Fprintf(&b, "%schar %s[%d];\n", indent, names.name("__pad"), f.Size)
			continue
		}
		name := f.Member.Name
		if name == "" {
			name = "__anon"
		}
		fmt.Fprintf(&b, "%s%s;\n", indent, c.decl(f.Member.Type, names.name(name), f.Size, indent))
	}
	return b.String()
}

// decl declares name of type t (size bytes) in C for wasm32.
func (c *cTypes) decl(t btf.Type, name string, size uint32, indent string) string {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		switch {
		case u.Encoding&btf.Bool != 0 && u.Size == 1:
			return "_Bool " + name
		case u.Size == 1 && (u.Encoding&btf.Char != 0 || u.Name == "char"):
			return "char " + name
		case u.Size == 1 || u.Size == 2 || u.Size == 4 || u.Size == 8:
			return intType(u.Size, u.Encoding&btf.Signed != 0) + " " + name
		}
	case *btf.Enum:
		return intType(u.Size, u.Signed) + " " + name
	case *btf.Float:
		if u.Size == 4 {
			return "float " + name
		}
		if u.Size == 8 {
			return "double " + name
		}
	case *btf.Pointer:
		return "uint64_t " + name
	case *btf.Array:
		if esz, err := btf.Sizeof(u.Type); err == nil && u.Nelems > 0 {
			return c.decl(u.Type, fmt.Sprintf("%s[%d]", name, u.Nelems), uint32(esz), indent)
		}
	case *btf.Struct:
		if u.Name != "" {
			c.define(u)
			return "struct " + u.Name + " " + name
		}
		return fmt.Sprintf("struct {\n%s%s} __attribute__((packed)) %s", c.fields(layout(u), indent+"\t"), indent, name)
	}
	return fmt.Sprintf("unsigned char %s[%d]", name, size)
}

func intType(size uint32, signed bool) string {
	if signed {
		return fmt.Sprintf("int%d_t", size*8)
	}
	return fmt.Sprintf("uint%d_t", size*8)
}
