package compile

import (
	"bytes"
	"cmp"
	"debug/elf"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/ctype"
)

// objectInfo is what the metadata is written from: the parsed object plus
// the ELF facts cilium/ebpf does not keep (section and symbol order).
type objectInfo struct {
	spec  *ebpf.CollectionSpec
	order map[string]int // program name or section name → position in the ELF
}

// readObject parses the object compiled from source.
func readObject(obj []byte, source string) (*objectInfo, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("compile: %s compiled, but nomia's loader (cilium/ebpf) cannot read the object (%v): nomia cannot run it", source, oneLine(err.Error()))
	}
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("compile: %s compiled to a file that is not ELF (%v): check --cflags", source, oneLine(err.Error()))
	}
	defer f.Close()
	info := &objectInfo{spec: spec, order: map[string]int{}}
	for i, s := range f.Sections {
		info.order[s.Name] = i << 32
	}
	// Programs in the order libbpf (and so eunomia) lists them: by section, then
	// by offset within it.
	syms, _ := f.Symbols()
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && spec.Programs[s.Name] != nil && int(s.Section) < len(f.Sections) {
			info.order["prog:"+s.Name] = int(s.Section)<<32 | int(s.Value&0xffffffff)
		}
	}
	return info, nil
}

// progs lists the programs with their attach section.
func (o *objectInfo) progs() []bpfpkg.Prog {
	var progs []bpfpkg.Prog
	for name, ps := range o.spec.Programs {
		progs = append(progs, bpfpkg.Prog{Name: name, Attach: ps.SectionName, Link: true})
	}
	slices.SortFunc(progs, func(a, b bpfpkg.Prog) int {
		return cmp.Or(cmp.Compare(o.order["prog:"+a.Name], o.order["prog:"+b.Name]), strings.Compare(a.Name, b.Name))
	})
	return progs
}

// maps lists declared maps in declaration order (the .maps DATASEC), then the
// global-data maps in section order, named as libbpf names them so that
// eunomia-bpf finds them.
func (o *objectInfo) maps(objName string) []bpfpkg.Map {
	var maps []bpfpkg.Map
	listed := map[string]bool{}
	var ds *btf.Datasec
	if o.spec.Types != nil && o.spec.Types.TypeByName(".maps", &ds) == nil {
		for _, v := range ds.Vars {
			if name := v.Type.TypeName(); o.spec.Maps[name] != nil && !listed[name] {
				maps = append(maps, bpfpkg.Map{Name: name, Ident: name})
				listed[name] = true
			}
		}
	}
	var data, rest []string
	for name := range o.spec.Maps {
		switch {
		case listed[name]:
		case bpfpkg.IsDataSection(name) || name == ".kconfig":
			data = append(data, name)
		default:
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		maps = append(maps, bpfpkg.Map{Name: name, Ident: name})
	}
	slices.SortFunc(data, func(a, b string) int { return cmp.Compare(o.order[a], o.order[b]) })
	for _, sec := range data {
		maps = append(maps, bpfpkg.Map{Name: internalMapName(objName, sec), Ident: sectionIdent(sec), Mmaped: true})
	}
	return maps
}

// dataSections lists the global variables of each data section, in section
// order and then by offset, with C types, initial values and doc comments.
func (o *objectInfo) dataSections(docs map[string][]string) []bpfpkg.DataSection {
	bySection := map[string][]*ebpf.VariableSpec{}
	for _, v := range o.spec.Variables {
		if strings.HasPrefix(v.Name, bpfpkg.DummyPrefix) || v.Type == nil || !bpfpkg.IsDataSection(v.SectionName) {
			continue
		}
		bySection[v.SectionName] = append(bySection[v.SectionName], v)
	}
	var sections []bpfpkg.DataSection
	for sec, vars := range bySection {
		slices.SortFunc(vars, func(a, b *ebpf.VariableSpec) int { return cmp.Compare(a.Offset, b.Offset) })
		ds := bpfpkg.DataSection{Name: sec}
		for _, v := range vars {
			ds.Variables = append(ds.Variables, bpfpkg.Variable{
				Name:        v.Name,
				Type:        ctype.Name(v.Type.Type),
				Value:       initialValue(v.Type.Type, v.Value, o.spec.ByteOrder),
				Description: description(docs[v.Name]),
			})
		}
		sections = append(sections, ds)
	}
	slices.SortFunc(sections, func(a, b bpfpkg.DataSection) int { return cmp.Compare(o.order[a.Name], o.order[b.Name]) })
	return sections
}

// internalMapName is libbpf's name for a global-data map, which eunomia-bpf
// looks maps up by: as much of the object name as fits in 15 characters next
// to the section name, with room for at least 7 ("runqlat_.rodata",
// "runqlat_.bss"); custom sections (".rodata.cfg") go without the prefix.
func internalMapName(objName, section string) string {
	const maxLen = 15 // BPF_OBJ_NAME_LEN without the NUL
	suffix := min(max(7, len(section)), maxLen)
	prefix := 0
	if !strings.Contains(section[min(1, len(section)):], ".") {
		prefix = max(0, min(maxLen-suffix, len(objName)))
	}
	name := objName[:prefix] + section[:min(suffix, len(section))]
	return strings.Map(func(r rune) rune {
		if r == '.' || isIdentRune(r) {
			return r
		}
		return '_'
	}, name)
}

func isIdentRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// sectionIdent is the skeleton identifier of a data section: ".rodata.cfg" →
// "rodata_cfg", as bpftool gen skeleton spells it.
func sectionIdent(section string) string {
	return strings.Map(func(r rune) rune {
		if isIdentRune(r) {
			return r
		}
		return '_'
	}, strings.TrimPrefix(section, "."))
}
