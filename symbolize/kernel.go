package symbolize

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// kallsyms is where the kernel lists its symbols.
const kallsyms = "/proc/kallsyms"

// coreKernel is Frame.Module for symbols of the kernel image itself.
const coreKernel = "kernel"

// readKallsyms parses a kallsyms listing into a symbol table of its text
// symbols. kallsyms gives no sizes, so each symbol ends where the next begins.
// A listing whose addresses are all zero (a reader without CAP_SYSLOG, or
// kernel.kptr_restrict=2) is an error that says so.
func readKallsyms(r io.Reader) (symtab, error) {
	var syms []symbol
	modules := map[string]string{} // interned: a module's name repeats thousands of times
	nonZero := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		// "ffffffff816b7430 t do_sys_openat2" or "... t name\t[module]"
		hex, rest, _ := strings.Cut(sc.Text(), " ")
		typ, rest, _ := strings.Cut(rest, " ")
		name, mod, hasModule := strings.Cut(rest, "\t")
		addr, err := strconv.ParseUint(hex, 16, 64)
		if err != nil || !isText(typ) || name == "" {
			continue
		}
		nonZero = nonZero || addr != 0
		sym := symbol{start: addr, name: name, module: coreKernel}
		if hasModule {
			mod = strings.Trim(mod, "[]")
			if interned, ok := modules[mod]; ok {
				mod = interned
			} else {
				modules[mod] = mod
			}
			sym.module = mod
		}
		syms = append(syms, sym)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", kallsyms, err)
	}
	if !nonZero {
		return nil, fmt.Errorf("%s shows no addresses: kernel stacks print as %s (run as root, or set kernel.kptr_restrict=0)", kallsyms, Unknown)
	}
	tab := sortSymbols(syms)
	for i := range tab {
		tab[i].end = math.MaxUint64
		if i+1 < len(tab) {
			tab[i].end = tab[i+1].start
		}
	}
	return tab, nil
}

// isText reports whether a kallsyms type letter is a code symbol: t/T, or
// w/W (weak). Data symbols would otherwise claim the gaps between functions.
func isText(typ string) bool {
	switch typ {
	case "t", "T", "w", "W":
		return true
	}
	return false
}

// openKallsyms reads the kernel's symbol table from path.
func openKallsyms(path string) (symtab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read kernel symbols: %w (kernel stacks print as %s)", err, Unknown)
	}
	defer f.Close()
	return readKallsyms(f)
}

// kernelFrame resolves one kernel address.
func kernelFrame(tab symtab, addr uint64) Frame {
	sym, ok := tab.find(addr)
	if !ok {
		return Frame{Addr: addr}
	}
	return Frame{Addr: addr, Func: sym.name, Offset: addr - sym.start, Module: sym.module}
}
