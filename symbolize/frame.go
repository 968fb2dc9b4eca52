package symbolize

import (
	"strconv"
	"strings"
)

// Unknown is the name of an address that could not be resolved at all.
const Unknown = "[unknown]"

// Frame is one resolved stack address.
type Frame struct {
	// Addr is the address that was resolved.
	Addr uint64
	// Func is the name of the function that holds Addr, or "" when no symbol
	// covers it.
	Func string
	// Offset is Addr's distance from the start of Func, or, when Func is "",
	// Addr's address within Module's ELF file (see the package comment).
	Offset uint64
	// Module is the base name of the mapped file for user addresses (e.g.
	// "libc.so.6", or "[vdso]"), the kernel module from kallsyms' bracketed
	// column (e.g. "bpf"), or "kernel" for the core kernel. It is "" when the
	// address lies in no known module.
	Module string
}

// Name formats the frame as Names does: "func", "func+0xOFF" when offsets is
// set, "module+0xOFF" when only the module is known, else "[unknown]".
func (f Frame) Name(offsets bool) string {
	switch {
	case f.Func != "" && !offsets:
		return f.Func
	case f.Func != "":
		return withOffset(f.Func, f.Offset)
	case f.Module != "":
		return withOffset(f.Module, f.Offset)
	}
	return Unknown
}

// withOffset appends "+0xOFF" to name.
func withOffset(name string, off uint64) string {
	return name + "+0x" + strconv.FormatUint(off, 16)
}

// Fold joins a stack given leaf first, as stack-trace maps store it, into
// the root-first, ';'-separated line that flame-graph tools read.
func Fold(names []string) string {
	var b strings.Builder
	for i := len(names) - 1; i >= 0; i-- {
		b.WriteString(names[i])
		if i > 0 {
			b.WriteByte(';')
		}
	}
	return b.String()
}
