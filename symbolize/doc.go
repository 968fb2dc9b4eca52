// Package symbolize turns the instruction addresses of stack traces (as
// BPF_MAP_TYPE_STACK_TRACE maps hold them, leaf first) into function names.
//
// Kernel addresses are looked up in /proc/kallsyms, read once on first use and
// shared by every call. User addresses of a process are looked up through its
// /proc/PID/maps and the ELF symbol tables (.symtab and .dynsym) of the mapped
// files, which are read through /proc/PID/root, or /proc/PID/map_files when the
// file was deleted or replaced, and cached by device and inode so that every
// process mapping libc parses it once. A Go binary without .symtab is named
// from its .gopclntab, which the Go runtime keeps in every Go binary.
//
// A name is the function's name, or "function+0xOFF" with Options.Offsets (as
// BCC's tools print them with -v). An address inside a mapped file that no
// symbol covers (a stripped binary, a static function of a stripped library)
// is named "module+0xOFF", e.g. "libc.so.6+0x2a1c0", where module is the file's
// base name and OFF the address in the file's own ELF address space, the
// number nm, objdump and addr2line -e take. Anything else (an exited process,
// an anonymous mapping, a kernel that hides its addresses) is "[unknown]".
package symbolize
