package bpftest

import (
	"bytes"
	"debug/elf"
	"testing"
)

// TestCompileDefines checks that a define reaches the object and that the spec
// returned is a copy the caller may change.
func TestCompileDefines(t *testing.T) {
	spec := Compile(t, "testdata/prog.bpf.c", "VALUE=42")
	var v uint32
	if err := spec.Variables["value"].Get(&v); err != nil {
		t.Fatal(err)
	}
	if v != 42 {
		t.Errorf("value = %d, want 42 from -DVALUE=42", v)
	}
	delete(spec.Programs, "prog_name")
	if again := Compile(t, "testdata/prog.bpf.c", "VALUE=42"); again.Programs["prog_name"] == nil {
		t.Error("changing a returned spec changed the cached one")
	}
}

// TestObjectOptions checks that Omit drops a default flag and Flags adds one:
// without -g there are no DWARF sections, with -gdwarf-4 the DWARF is version 4.
func TestObjectOptions(t *testing.T) {
	if sections(t, Object(t, "testdata/prog.bpf.c", Options{Omit: []string{"-g"}}))[".debug_info"] {
		t.Error("object built without -g has .debug_info")
	}
	withDWARF := sections(t, Object(t, "testdata/prog.bpf.c", Options{}))
	if !withDWARF[".debug_info"] || !withDWARF[".debug_str_offsets"] {
		t.Errorf("default object: sections %v, want DWARF 5 (.debug_info, .debug_str_offsets)", withDWARF)
	}
	if dwarf4 := sections(t, Object(t, "testdata/prog.bpf.c", Options{Flags: []string{"-gdwarf-4"}})); !dwarf4[".debug_info"] || dwarf4[".debug_str_offsets"] {
		t.Errorf("-gdwarf-4 object: sections %v, want DWARF 4 (no .debug_str_offsets)", dwarf4)
	}
}

// sections lists an object's section names.
func sections(t *testing.T, obj []byte) map[string]bool {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range f.Sections {
		names[s.Name] = true
	}
	return names
}
