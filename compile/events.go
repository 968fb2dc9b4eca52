package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile/eventtype"
	"nomia.dev/nomia/ctype"
)

// eventOverrides merges the source's `// nomia:event-type` markers with the
// caller's choices; the caller (--event-type) wins.
func eventOverrides(src []byte, opts map[string]string) map[string]string {
	merged := eventtype.Markers(src)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, opts)
	return merged
}

// findStruct looks up an event type in an object's BTF by its C spelling
// ("struct event" or a typedef name) and returns the struct and its name as
// eunomia writes it (no "struct " prefix).
func findStruct(spec *btf.Spec, cName string) (*btf.Struct, string, bool) {
	if spec == nil {
		return nil, "", false
	}
	name, isStruct := strings.CutPrefix(strings.TrimSpace(cName), "struct ")
	name = strings.TrimSpace(name)
	types, _ := spec.AnyTypesByName(name)
	for _, t := range types {
		switch v := t.(type) {
		case *btf.Struct:
			if isStruct {
				return v, name, true
			}
		case *btf.Typedef:
			if s, ok := btf.UnderlyingType(v).(*btf.Struct); ok && !isStruct {
				return s, name, true
			}
		}
	}
	return nil, "", false
}

// missingEventTypes lists the results whose struct the object's BTF lacks:
// clang leaves out structs that only local variables use.
func missingEventTypes(types *btf.Spec, results []eventtype.Result) []eventtype.Result {
	var missing []eventtype.Result
	for _, r := range results {
		if _, _, ok := findStruct(types, r.Struct); !ok {
			missing = append(missing, r)
		}
	}
	return missing
}

// keepSection holds the globals that keep event types in BTF. Neither libbpf
// (eunomia-bpf) nor cilium/ebpf makes a map of a section they do not know, so
// the globals cost nothing at run time and cannot shift the layout of .bss,
// where clang would put them before function-local statics.
const keepSection = ".nomia.types"

// wrapperSource includes the original source by absolute path and declares, per
// event map, a pointer global to the event type in keepSection. The
// __eunomia_dummy_ prefix is eunomia-bpf's convention for such globals.
//
// The path is written as it is: C has no escapes in #include "…" (Go's %q
// would turn a backslash or tab into a name no file has), so only a path
// holding a double quote or a line break cannot be included.
func wrapperSource(absSrc string, missing []eventtype.Result) (string, error) {
	if strings.ContainsAny(absSrc, "\"\n\r") {
		return "", fmt.Errorf("compile: %q: the path holds a double quote or line break, which #include cannot spell: rename it, or declare a global of each event type in the source", absSrc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#include \"%s\"\n\n", absSrc)
	b.WriteString("/* Added by nomia build: keep event types in BTF. */\n")
	for _, r := range missing {
		fmt.Fprintf(&b, "%s *%s_%s __attribute__((section(%q), unused));\n", strings.TrimSpace(r.Struct), bpfpkg.DummyPrefix, r.Map, keepSection)
	}
	return b.String(), nil
}

// sameProgramsAndMaps checks that the second compilation only added the
// type-keeping globals: the same programs with the same instructions, the same
// maps and the same variables at the same places.
func sameProgramsAndMaps(a, b *ebpf.CollectionSpec) error {
	if !slices.Equal(slices.Sorted(maps.Keys(a.Programs)), slices.Sorted(maps.Keys(b.Programs))) {
		return fmt.Errorf("the set of programs changed")
	}
	for name, pa := range a.Programs {
		pb := b.Programs[name]
		if pa.SectionName != pb.SectionName || fmt.Sprint(pa.Instructions) != fmt.Sprint(pb.Instructions) {
			return fmt.Errorf("program %s changed", name)
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(a.Maps)), slices.Sorted(maps.Keys(b.Maps))) {
		return fmt.Errorf("the set of maps changed")
	}
	for name, ma := range a.Maps {
		mb := b.Maps[name]
		if ma.Type != mb.Type || ma.KeySize != mb.KeySize || ma.ValueSize != mb.ValueSize || ma.MaxEntries != mb.MaxEntries {
			return fmt.Errorf("map %s changed", name)
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(a.Variables)), slices.Sorted(maps.Keys(b.Variables))) {
		return fmt.Errorf("the set of global variables changed")
	}
	for name, va := range a.Variables {
		vb := b.Variables[name]
		if vb.SectionName != va.SectionName || vb.Offset != va.Offset || !bytes.Equal(vb.Value, va.Value) {
			return fmt.Errorf("variable %s changed", name)
		}
	}
	return nil
}

// exportTypes fills meta's export_types from the shipped object's BTF: one
// entry per distinct struct, with type ids of that object. With several event
// maps each map names its type through export_config, and maps without events
// say "no_export".
func exportTypes(meta *bpfpkg.Meta, types *btf.Spec, results []eventtype.Result, log logf) error {
	if len(results) == 0 {
		return nil
	}
	idOf := map[string]int{} // map name → type id
	seen := map[btf.TypeID]bool{}
	for _, r := range results {
		s, name, ok := findStruct(types, r.Struct)
		if !ok {
			return fmt.Errorf("compile: event type %s of map %s is not in the object's BTF: declare a global of that type, e.g. `%s *keep_%s;`", r.Struct, r.Map, r.Struct, r.Map)
		}
		id, err := types.TypeID(s)
		if err != nil {
			return fmt.Errorf("compile: event type %s of map %s has no BTF id (%v)", r.Struct, r.Map, err)
		}
		if r.Size != 0 && int(s.Size) != r.Size {
			log("map %s: %s is %d bytes in BTF but %d in the evidence (%s)", r.Map, r.Struct, s.Size, r.Size, r.Evidence)
		}
		idOf[r.Map] = int(id)
		if !seen[id] {
			seen[id] = true
			meta.ExportTypes = append(meta.ExportTypes, exportType(s, name, int(id)))
		}
		log("map %s carries %s (%s)", r.Map, r.Struct, r.Evidence)
	}
	if len(results) == 1 {
		return nil
	}
	meta.EnableMultipleExportTypes = true
	for i := range meta.Skel.Maps {
		m := &meta.Skel.Maps[i]
		if id, ok := idOf[m.Name]; ok {
			m.ExportConfig, _ = json.Marshal(map[string]int{"btf_type_id": id})
		} else {
			m.ExportConfig = json.RawMessage(`"no_export"`)
		}
	}
	return nil
}

func exportType(s *btf.Struct, name string, id int) bpfpkg.ExportType {
	et := bpfpkg.ExportType{Name: name, Size: int(s.Size), TypeID: id, Members: []bpfpkg.Member{}}
	for _, m := range s.Members {
		et.Members = append(et.Members, bpfpkg.Member{Name: m.Name, Type: ctype.Name(m.Type)})
	}
	return et
}
