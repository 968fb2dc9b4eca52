package globals

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/ctype"
)

// Var is one global variable that can be set before the object is loaded.
type Var struct {
	// Name is the C identifier.
	Name string
	// Section is the ELF section holding it: ".rodata", ".data", ".bss",
	// ".rodata.foo" …
	Section string
	// Type is the variable's type without top-level qualifiers; typedefs are
	// kept so that the C spelling (pid_t, __u64) survives.
	Type btf.Type
	// CType is the C spelling of Type, e.g. "pid_t" or "char[16]".
	CType string
	// Doc is the variable's description from the package metadata.
	Doc string
	// Default is the initial value as text Parse accepts, decoded from the
	// object's section bytes; empty when the type has no text form.
	Default string
	// Unsupported is set, with the reason, when the type cannot be set from
	// text (structs, pointers). The flag is still registered so the user sees
	// the variable, but setting it fails with this error.
	Unsupported error
	// Long and Short are the flag names: eunomia's cmdarg names when the
	// metadata has them, else Name and no short flag.
	Long, Short string
	// MetaDefault is set when Default comes from the package's cmdarg default
	// rather than the object's bytes. eunomia-bpf gives the variable that value
	// even when the flag is absent, so Apply writes it too.
	MetaDefault bool
}

// List returns the settable globals of spec: every variable of a .rodata,
// .data or .bss section (constant and mutable alike), sections in that order,
// variables in declaration (offset) order. Docs and cmdarg flag names come
// from meta, which may be nil. Variables named __eunomia_dummy* (eunomia's
// trick to keep types in BTF) and variables without BTF are skipped.
func List(spec *ebpf.CollectionSpec, meta *bpfpkg.Meta) ([]Var, error) {
	if spec == nil {
		return nil, fmt.Errorf("list globals: no object given")
	}
	var specs []*ebpf.VariableSpec
	for _, vs := range spec.Variables {
		if sectionRank(vs.SectionName) < 0 || vs.Type == nil || vs.Type.Type == nil ||
			strings.HasPrefix(vs.Name, bpfpkg.DummyPrefix) {
			continue
		}
		specs = append(specs, vs)
	}
	slices.SortFunc(specs, func(a, b *ebpf.VariableSpec) int {
		return cmp.Or(
			cmp.Compare(sectionRank(a.SectionName), sectionRank(b.SectionName)),
			strings.Compare(a.SectionName, b.SectionName),
			cmp.Compare(a.Offset, b.Offset),
			strings.Compare(a.Name, b.Name),
		)
	})
	vars := make([]Var, 0, len(specs))
	for _, vs := range specs {
		md := lookup(meta, vs.SectionName, vs.Name)
		v := newVar(vs, byteOrder(spec), md)
		if err := applyMetaDefault(&v, md); err != nil {
			return nil, err
		}
		vars = append(vars, v)
	}
	return vars, nil
}

// newVar describes one variable; md may be nil.
func newVar(vs *ebpf.VariableSpec, order binary.ByteOrder, md *bpfpkg.Variable) Var {
	t := btf.QualifiedType(vs.Type.Type)
	v := Var{
		Name:        vs.Name,
		Section:     vs.SectionName,
		Type:        t,
		CType:       ctype.Name(t),
		Long:        vs.Name,
		Unsupported: textForm(t),
	}
	if v.Unsupported == nil {
		// A failure here means the object's bytes disagree with its BTF; the
		// variable can still be set, it just has no default to show.
		v.Default, _ = decode(t, vs.Value, order)
	}
	if md != nil {
		v.Doc = md.Description
		if ca := md.CmdArg; ca != nil {
			v.Doc = cmp.Or(v.Doc, ca.Help)
			v.Long = cmp.Or(ca.Long, v.Long)
			v.Short = ca.Short
		}
	}
	return v
}

// textForm returns nil when values of t can be written as text, else the
// error Parse would give for any input: scalars of the sizes Parse encodes,
// char arrays, and arrays of those scalars.
func textForm(t btf.Type) error {
	elem := t
	if a, ok := btf.UnderlyingType(t).(*btf.Array); ok {
		if isChar(a.Type) {
			return nil
		}
		elem = a.Type
	}
	switch u := btf.UnderlyingType(elem).(type) {
	case *btf.Int:
		if u.Size == 1 || u.Size == 2 || u.Size == 4 || u.Size == 8 {
			return nil
		}
	case *btf.Enum:
		return nil
	case *btf.Float:
		if u.Size == 4 || u.Size == 8 {
			return nil
		}
	}
	return unsupported(t)
}

// sectionRank orders data sections the way a reader of the C source expects
// (constants first) and returns -1 for sections that are not user globals,
// such as .kconfig, which the loader fills in.
func sectionRank(section string) int {
	if !bpfpkg.IsDataSection(section) {
		return -1
	}
	for i, prefix := range []string{".rodata", ".data", ".bss"} {
		if strings.HasPrefix(section, prefix) {
			return i
		}
	}
	return -1
}

// lookup finds a variable's metadata, preferring the entry of its own section
// but accepting any section, because eunomia files name only .rodata/.bss.
func lookup(meta *bpfpkg.Meta, section, name string) *bpfpkg.Variable {
	if meta == nil {
		return nil
	}
	var found *bpfpkg.Variable
	for i := range meta.Skel.DataSections {
		ds := &meta.Skel.DataSections[i]
		for j := range ds.Variables {
			if v := &ds.Variables[j]; v.Name == name {
				if ds.Name == section {
					return v
				}
				if found == nil {
					found = v
				}
			}
		}
	}
	return found
}

// byteOrder is the object's byte order; hand-built specs may leave it unset,
// and every BPF target nomia builds for is little-endian.
func byteOrder(spec *ebpf.CollectionSpec) binary.ByteOrder {
	if spec.ByteOrder == nil {
		return binary.LittleEndian
	}
	return spec.ByteOrder
}
