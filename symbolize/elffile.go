package symbolize

import (
	"debug/elf"
	"debug/gosym"
	"errors"
	"fmt"
	"io"
)

// elfSymbols is what symbolizing needs from one ELF file: its functions and
// where its loadable segments sit in the file.
type elfSymbols struct {
	funcs symtab
	loads []elf.ProgHeader // PT_LOAD segments
}

// readELF reads the function symbols of .symtab and .dynsym (a stripped file
// keeps only the latter) and the PT_LOAD program headers of an ELF file.
func readELF(r io.ReaderAt) (*elfSymbols, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e := &elfSymbols{}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			e.loads = append(e.loads, p.ProgHeader)
		}
	}
	full, err := f.Symbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, fmt.Errorf("read ELF symbols: %w", err)
	}
	dynamic, err := f.DynamicSymbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, fmt.Errorf("read ELF dynamic symbols: %w", err)
	}
	syms := appendFuncs(appendFuncs(nil, f, full), f, dynamic)
	if len(full) == 0 {
		// A stripped Go binary (go build -ldflags=-s, and what go test
		// runs) still carries the runtime's own function table.
		syms = append(syms, goFuncs(f)...)
	}
	e.funcs = sortSymbols(syms)
	// A symbol without a size (hand-written assembly) reaches to its
	// section's end, and no symbol reaches into the next one.
	for i := range e.funcs[:max(len(e.funcs)-1, 0)] {
		e.funcs[i].end = min(e.funcs[i].end, e.funcs[i+1].start)
	}
	return e, nil
}

// appendFuncs appends the defined function symbols of list to syms.
func appendFuncs(syms []symbol, f *elf.File, list []elf.Symbol) []symbol {
	for _, s := range list {
		typ := elf.ST_TYPE(s.Info)
		if typ != elf.STT_FUNC && typ != elf.STT_GNU_IFUNC || s.Value == 0 ||
			s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		end := s.Value + s.Size
		if s.Size == 0 {
			sec := f.Sections[s.Section]
			end = sec.Addr + sec.Size
		}
		syms = append(syms, symbol{start: s.Value, end: end, name: s.Name})
	}
	return syms
}

// vaddr converts an offset in the file to the address the ELF file's own
// headers give it, through the PT_LOAD segment that holds the offset.
func (e *elfSymbols) vaddr(fileOff uint64) (uint64, bool) {
	for _, p := range e.loads {
		if fileOff >= p.Off && fileOff < p.Off+p.Filesz {
			return fileOff - p.Off + p.Vaddr, true
		}
	}
	return 0, false
}

// goFuncs reads the functions of a Go binary from its .gopclntab section,
// which the Go runtime needs and strip leaves alone; nil if it has none. Go
// 1.18+ tables are relative to runtime.text, which the Go linker puts at
// the start of .text (the table's own copy of the address is 0 on disk).
func goFuncs(f *elf.File) []symbol {
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		return nil
	}
	data, err := pcln.Data()
	if err != nil {
		return nil
	}
	table, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		return nil
	}
	syms := make([]symbol, 0, len(table.Funcs))
	for _, fn := range table.Funcs {
		syms = append(syms, symbol{start: fn.Entry, end: fn.End, name: fn.Name})
	}
	return syms
}
