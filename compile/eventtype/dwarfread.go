package eventtype

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
)

// errNoDWARF says the object was built without -g.
var errNoDWARF = errors.New("BPF object has no DWARF (.debug_info): compile it with clang -g")

// readDWARF opens the DWARF of a BPF object. elf.File.DWARF refuses BPF objects
// ("applyRelocations: not implemented"), but their debug relocations are
// section-relative against symbols of value 0, so the raw section bytes already hold
// the right offsets and dwarf.New can read them as they are.
// The sections are returned too: debug/dwarf does not read location lists, which
// loclist.go decodes from .debug_loclists and .debug_addr.
func readDWARF(obj []byte) (*dwarf.Data, map[string][]byte, error) {
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, nil, fmt.Errorf("read BPF object: %w", err)
	}
	defer f.Close()
	sec := func(name string) ([]byte, error) {
		s := f.Section(name)
		if s == nil {
			return nil, nil
		}
		return s.Data()
	}
	info, err := sec(".debug_info")
	if err != nil {
		return nil, nil, fmt.Errorf("read .debug_info: %w", err)
	}
	if info == nil {
		return nil, nil, errNoDWARF
	}
	raw := map[string][]byte{}
	var core [4][]byte // abbrev, info, line, str: the sections dwarf.New takes directly
	for i, name := range []string{".debug_abbrev", ".debug_info", ".debug_line", ".debug_str"} {
		if core[i], err = sec(name); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	d, err := dwarf.New(core[0], nil, nil, core[1], core[2], nil, nil, core[3])
	if err != nil {
		return nil, nil, fmt.Errorf("parse DWARF of BPF object: %w", err)
	}
	// DWARF 5 (clang's default) indexes strings, addresses and ranges through
	// these sections; without them names read as empty.
	for _, name := range []string{".debug_str_offsets", ".debug_addr", ".debug_line_str", ".debug_rnglists", ".debug_loclists", ".debug_ranges", ".debug_loc"} {
		data, err := sec(name)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
		if data == nil {
			continue
		}
		raw[name] = data
		if err := d.AddSection(name, data); err != nil {
			return nil, nil, fmt.Errorf("parse %s: %w", name, err)
		}
	}
	return d, raw, nil
}
