package gen

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// goTypes writes Go struct declarations whose encoding/binary layout is that
// of BTF structs: fixed-size fields at the same offsets, padding as blank
// fields. Named structs a struct contains are declared too, once each.
type goTypes struct {
	b        strings.Builder
	declared map[*btf.Struct]string
	names    unique
	queue    []*btf.Struct
	// usesMath and usesBinary say which packages the DecodeRecord methods use.
	usesMath, usesBinary bool
}

func newGoTypes() *goTypes {
	return &goTypes{declared: map[*btf.Struct]string{}, names: unique{}}
}

// declare declares s (and the named structs it uses) under the Go name
// exported(s.Name), with doc as its comment, and returns that name.
func (g *goTypes) declare(s *btf.Struct, doc string) string {
	name := g.nameOf(s)
	for len(g.queue) > 0 {
		next := g.queue[0]
		g.queue = g.queue[1:]
		d := doc
		if next != s {
			d = fmt.Sprintf("%s is struct %s of the BPF object.", g.declared[next], next.Name)
		}
		fmt.Fprintf(&g.b, "\n// %s\ntype %s %s\n", d, g.declared[next], g.structBody(next, ""))
		g.decodeMethod(next)
	}
	return name
}

// nameOf is the Go name of a named struct, queueing its declaration.
func (g *goTypes) nameOf(s *btf.Struct) string {
	if n, ok := g.declared[s]; ok {
		return n
	}
	n := g.names.name(exported(s.Name))
	g.declared[s] = n
	g.queue = append(g.queue, s)
	return n
}

// structBody is "struct { … }" for s, indented by indent.
func (g *goTypes) structBody(s *btf.Struct, indent string) string {
	var b strings.Builder
	b.WriteString("struct {\n")
	for _, f := range goFields(s) {
		if f.Member == nil {
			fmt.Fprintf(&b, "%s\t_ [%d]byte\n", indent, f.Size)
			continue
		}
		fmt.Fprintf(&b, "%s\t%s %s // %s\n", indent, f.Name, g.goType(f.Member.Type, f.Size, indent+"\t"), cDecl(f.Member.Type, f.Member.Name))
	}
	b.WriteString(indent + "}")
	return b.String()
}

// goField is a piece of a struct's layout with its Go field name.
type goField struct {
	field
	Name string
}

// goFields names the members of s's layout as Go fields: exported, unique,
// "Anon" for anonymous members.
func goFields(s *btf.Struct) []goField {
	names := unique{}
	var out []goField
	for _, f := range layout(s) {
		gf := goField{field: f}
		if f.Member != nil {
			n := exported(f.Member.Name)
			if f.Member.Name == "" {
				n = "Anon"
			}
			gf.Name = names.name(n)
		}
		out = append(out, gf)
	}
	return out
}

// goType is the Go spelling of t, a type of size bytes.
func (g *goTypes) goType(t btf.Type, size uint32, indent string) string {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		switch {
		case u.Encoding&btf.Bool != 0 && u.Size == 1:
			return "bool"
		case u.Size == 1 && (u.Encoding&btf.Char != 0 || u.Name == "char"):
			return "byte"
		case u.Encoding&btf.Signed != 0 && u.Size <= 8:
			return fmt.Sprintf("int%d", u.Size*8)
		case u.Size <= 8:
			return fmt.Sprintf("uint%d", u.Size*8)
		}
	case *btf.Enum:
		if u.Signed {
			return fmt.Sprintf("int%d", u.Size*8)
		}
		return fmt.Sprintf("uint%d", u.Size*8)
	case *btf.Float:
		return fmt.Sprintf("float%d", u.Size*8)
	case *btf.Pointer:
		return "uint64"
	case *btf.Array:
		if esz, err := btf.Sizeof(u.Type); err == nil && u.Nelems > 0 {
			return fmt.Sprintf("[%d]%s", u.Nelems, g.goType(u.Type, uint32(esz), indent))
		}
	case *btf.Struct:
		if u.Name != "" {
			return g.nameOf(u)
		}
		return g.structBody(u, indent)
	}
	return fmt.Sprintf("[%d]byte", size)
}
