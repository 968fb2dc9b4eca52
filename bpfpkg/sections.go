package bpfpkg

import "strings"

// DummyPrefix starts the names of globals that exist only to keep a type in
// the object's BTF (eunomia-bpf's convention, e.g. __eunomia_dummy_events);
// they are neither listed in DataSections nor settings a user can change.
const DummyPrefix = "__eunomia_dummy"

// IsDataSection reports whether an ELF section holds global variables that
// libbpf maps for the program: .rodata, .data, .bss and the custom
// .rodata.NAME and .data.NAME sections. The compiler lists their variables in
// DataSections and the runner offers them as flags, so both ask here.
func IsDataSection(name string) bool {
	return name == ".bss" || name == ".data" || name == ".rodata" ||
		strings.HasPrefix(name, ".data.") || strings.HasPrefix(name, ".rodata.")
}
