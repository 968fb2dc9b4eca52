package eventtype

import (
	"bytes"
	"debug/elf"
	"errors"
)

// strongSymbols returns a copy of a BPF object whose defined weak symbols are made
// global. cilium/ebpf refuses relocations against weak maps ("unsupported binding:
// STB_WEAK"), which libbpf's usdt.bpf.h defines; for reading instructions and map
// types the binding does not matter.
func strongSymbols(obj []byte) ([]byte, error) {
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 {
		return nil, errors.New("not a 64-bit ELF object")
	}
	sym := f.SectionByType(elf.SHT_SYMTAB)
	if sym == nil || sym.Entsize != elf.Sym64Size || sym.Offset+sym.Size > uint64(len(obj)) {
		return nil, errors.New("no usable symbol table")
	}
	out := bytes.Clone(obj)
	table := out[sym.Offset : sym.Offset+sym.Size]
	changed := false
	for i := 0; i+elf.Sym64Size <= len(table); i += elf.Sym64Size {
		entry := table[i : i+elf.Sym64Size]
		info := entry[4]                        // st_info: binding in the high nibble
		shndx := f.ByteOrder.Uint16(entry[6:8]) // st_shndx: 0 means undefined
		if elf.SymBind(info>>4) == elf.STB_WEAK && shndx != uint16(elf.SHN_UNDEF) {
			entry[4] = byte(elf.STB_GLOBAL)<<4 | info&0xf
			changed = true
		}
	}
	if !changed {
		return nil, errors.New("no weak symbols")
	}
	return out, nil
}
