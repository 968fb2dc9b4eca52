package gen

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// decodeMethod writes DecodeRecord for the declared struct s: field by field
// with encoding/binary's byte-order functions where every member has a
// plain spelling, which is several times faster than encoding/binary's
// reflection (OpenBufferOf uses the method when the type has one), and
// through binary.Decode otherwise (e.g. anonymous inner structs).
func (g *goTypes) decodeMethod(s *btf.Struct) {
	name := g.declared[s]
	fmt.Fprintf(&g.b, "\n// DecodeRecord sets e from rec, the bytes of a struct %s.\nfunc (e *%s) DecodeRecord(rec []byte) error {\n", s.Name, name)
	fmt.Fprintf(&g.b, "\tif len(rec) < %d {\n\t\treturn fmt.Errorf(\"a %%d-byte record is shorter than struct %s (%d bytes)\", len(rec))\n\t}\n", s.Size, s.Name, s.Size)
	var body strings.Builder
	for _, f := range goFields(s) {
		if f.Member == nil {
			continue
		}
		stmt, ok := g.decodeStmt(f.Member.Type, "e."+f.Name, f.Offset)
		if !ok {
			g.usesBinary = true
			g.b.WriteString("\t_, err := binary.Decode(rec, binary.LittleEndian, e)\n\treturn err\n}\n")
			return
		}
		body.WriteString(stmt)
	}
	g.b.WriteString(body.String() + "\treturn nil\n}\n")
}

// decodeStmt is the statement that sets dst, of type t, from rec[off:]; ok
// is false for types that have no plain spelling.
func (g *goTypes) decodeStmt(t btf.Type, dst string, off uint32) (stmt string, ok bool) {
	size, err := btf.Sizeof(t)
	if err != nil {
		return "", false
	}
	typ := g.goType(t, uint32(size), "")
	if strings.HasPrefix(typ, "[") && (strings.HasSuffix(typ, "]byte") || strings.HasSuffix(typ, "]uint8")) {
		// Byte arrays, and the bytes unions and other types are kept as.
		return fmt.Sprintf("\tcopy(%s[:], rec[%d:%d])\n", dst, off, off+uint32(size)), true
	}
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Array:
		esz, err := btf.Sizeof(u.Type)
		if err != nil || u.Nelems == 0 {
			return "", false
		}
		if _, nested := btf.UnderlyingType(u.Type).(*btf.Array); nested {
			return "", false
		}
		at := fmt.Sprintf("%d+i*%d", off, esz)
		if st, isStruct := btf.UnderlyingType(u.Type).(*btf.Struct); isStruct && st.Name != "" {
			return fmt.Sprintf("\tfor i := range %d {\n\t\tif err := %s[i].DecodeRecord(rec[%s:]); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n", u.Nelems, dst, at), true
		}
		expr, ok := g.decodeExpr(u.Type, at)
		if !ok {
			return "", false
		}
		return fmt.Sprintf("\tfor i := range %d {\n\t\t%s[i] = %s\n\t}\n", u.Nelems, dst, expr), true
	case *btf.Struct:
		if u.Name == "" {
			return "", false
		}
		return fmt.Sprintf("\tif err := %s.DecodeRecord(rec[%d:]); err != nil {\n\t\treturn err\n\t}\n", dst, off), true
	}
	expr, ok := g.decodeExpr(t, fmt.Sprint(off))
	if !ok {
		return "", false
	}
	return fmt.Sprintf("\t%s = %s\n", dst, expr), true
}

// decodeExpr is the expression that reads a scalar of type t at rec[at:].
func (g *goTypes) decodeExpr(t btf.Type, at string) (string, bool) {
	size, err := btf.Sizeof(t)
	if err != nil {
		return "", false
	}
	typ := g.goType(t, uint32(size), "")
	le := func(bits int) string {
		g.usesBinary = true
		return fmt.Sprintf("binary.LittleEndian.Uint%d(rec[%s:])", bits, at)
	}
	switch typ {
	case "bool":
		return fmt.Sprintf("rec[%s] != 0", at), true
	case "byte", "uint8":
		return fmt.Sprintf("rec[%s]", at), true
	case "int8":
		return fmt.Sprintf("int8(rec[%s])", at), true
	case "uint16", "uint32", "uint64":
		return le(size * 8), true
	case "int16", "int32", "int64":
		return fmt.Sprintf("%s(%s)", typ, le(size*8)), true
	case "float32", "float64":
		g.usesMath = true
		return fmt.Sprintf("math.Float%dfrombits(%s)", size*8, le(size*8)), true
	}
	return "", false
}
