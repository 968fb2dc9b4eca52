package symbolize

import (
	"cmp"
	"slices"
)

// symbol is one function: the addresses [start, end) belong to name.
type symbol struct {
	start, end uint64
	name       string
	// module is the kernel module of a kallsyms symbol; "" elsewhere.
	module string
}

// symtab is a list of symbols sorted by start address, searched by binary
// search. Kernel and ELF symbol tables share it.
type symtab []symbol

// sortSymbols orders syms by start and keeps one symbol per start address:
// the one that covers the most, then the first in the given order, so that
// aliases (e.g. _text and _stext) resolve the same way on every run.
func sortSymbols(syms []symbol) symtab {
	slices.SortStableFunc(syms, func(a, b symbol) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
	})
	return slices.CompactFunc(syms, func(a, b symbol) bool { return a.start == b.start })
}

// find returns the symbol covering addr.
func (s symtab) find(addr uint64) (symbol, bool) {
	i, found := slices.BinarySearchFunc(s, addr, func(sym symbol, a uint64) int { return cmp.Compare(sym.start, a) })
	if !found {
		i-- // the last symbol that starts before addr
	}
	if i < 0 || addr >= s[i].end {
		return symbol{}, false
	}
	return s[i], true
}
