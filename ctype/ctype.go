// Package ctype spells BTF types the way C source writes them ("pid_t",
// "unsigned int", "char[16]", "struct event *"), the spelling eunomia-bpf packages
// record for globals and event fields.
package ctype

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// Name returns the C spelling of t. Qualifiers (const, volatile, restrict) and type
// tags are left out: a global declared `const volatile pid_t x` is a pid_t to anyone
// setting it. Array dimensions follow the element type, outermost first.
func Name(t btf.Type) string {
	base, dims := split(t)
	return base + dims
}

// split separates an array's element spelling from its dimensions so nested arrays
// print as C declares them (int[2][3], not int[3][2]). btf.QualifiedType drops
// qualifiers but stops at typedefs, whose names are what users wrote.
func split(t btf.Type) (string, string) {
	var dims strings.Builder
	for {
		t = btf.QualifiedType(t)
		a, ok := t.(*btf.Array)
		if !ok {
			break
		}
		fmt.Fprintf(&dims, "[%d]", a.Nelems)
		t = a.Type
	}
	return base(t), dims.String()
}

// base spells t, which split has already stripped of qualifiers and arrays.
func base(t btf.Type) string {
	switch v := t.(type) {
	case *btf.Typedef:
		return v.Name
	case *btf.Int:
		return v.Name
	case *btf.Float:
		return v.Name
	case *btf.Void:
		return "void"
	case *btf.Struct:
		return tagged("struct", v.Name)
	case *btf.Union:
		return tagged("union", v.Name)
	case *btf.Enum:
		return tagged("enum", v.Name)
	case *btf.Fwd:
		return tagged(v.Kind.String(), v.Name)
	case *btf.Pointer:
		return Name(v.Target) + " *"
	case *btf.FuncProto:
		return "function"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func tagged(kind, name string) string {
	if name == "" {
		return kind + " {...}"
	}
	return kind + " " + name
}
