package bpfpkg_test

import (
	"fmt"

	"nomia.dev/nomia/bpfpkg"
)

// Which sections' variables a package lists as globals.
func ExampleIsDataSection() {
	for _, s := range []string{".rodata", ".data.cfg", ".bss", ".kconfig", ".maps"} {
		fmt.Println(s, bpfpkg.IsDataSection(s))
	}
	// Output:
	// .rodata true
	// .data.cfg true
	// .bss true
	// .kconfig false
	// .maps false
}
