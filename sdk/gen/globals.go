package gen

import (
	"bytes"
	"debug/elf"
	"fmt"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	wasmbpf "nomia.dev/nomia/sdk/go"
)

// object is a parsed BPF object: its spec and where its sections lie in the file.
type object struct {
	spec     *ebpf.CollectionSpec
	sections map[string]*elf.Section
}

func parse(obj []byte) (*object, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("parse BPF object: %v", err)
	}
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("parse BPF object: %v", err)
	}
	o := &object{spec: spec, sections: map[string]*elf.Section{}}
	for _, s := range f.Sections {
		o.sections[s.Name] = s
	}
	return o, nil
}

// described is what the generators need to know of a package's object.
type described struct {
	*object
	globals []global
	events  []eventType
}

// describe parses pkg's object and lists its globals and event structs.
func describe(pkg *bpfpkg.Package) (*described, error) {
	o, err := parse(pkg.Object)
	if err != nil {
		return nil, err
	}
	gs, err := o.globals()
	if err != nil {
		return nil, err
	}
	evs, err := events(pkg, o.spec)
	if err != nil {
		return nil, err
	}
	return &described{object: o, globals: gs, events: evs}, nil
}

// global is one global variable with its type.
type global struct {
	wasmbpf.Global
	Type btf.Type
	// InSection is the variable's offset within its section.
	InSection uint32
}

// Globals locates every global variable of the object's .rodata, .data and
// .bss sections (and their .rodata.NAME kin) in the object's bytes, in
// section and offset order: the table wasmbpf.Open takes.
func Globals(obj []byte) ([]wasmbpf.Global, error) {
	o, err := parse(obj)
	if err != nil {
		return nil, err
	}
	gs, err := o.globals()
	if err != nil {
		return nil, err
	}
	out := make([]wasmbpf.Global, len(gs))
	for i, g := range gs {
		out[i] = g.Global
	}
	return out, nil
}

func (o *object) globals() ([]global, error) {
	var out []global
	for name, v := range o.spec.Variables {
		if v.Type == nil || strings.HasPrefix(name, "__eunomia_dummy") || !dataSection(v.SectionName) {
			continue
		}
		s := o.sections[v.SectionName]
		if s == nil {
			return nil, fmt.Errorf("global %s: the object has no section %s", name, v.SectionName)
		}
		g := global{Global: wasmbpf.Global{Name: name, Section: v.SectionName, Size: v.Size()}, Type: v.Type.Type, InSection: v.Offset}
		if s.Type != elf.SHT_NOBITS {
			g.Offset = uint32(s.Offset) + v.Offset
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Section != b.Section {
			return sectionRank(a.Section) < sectionRank(b.Section) || sectionRank(a.Section) == sectionRank(b.Section) && a.Section < b.Section
		}
		return a.InSection < b.InSection
	})
	return out, nil
}

func dataSection(name string) bool {
	for _, p := range []string{".rodata", ".data", ".bss"} {
		if name == p || strings.HasPrefix(name, p+".") {
			return true
		}
	}
	return false
}

// sectionRank orders .rodata, .data, .bss as libbpf's skeletons do.
func sectionRank(name string) int {
	switch {
	case strings.HasPrefix(name, ".rodata"):
		return 0
	case strings.HasPrefix(name, ".data"):
		return 1
	}
	return 2
}
