package source_test

import (
	"fmt"

	"nomia.dev/nomia/source"
)

func ExampleClassify() {
	for _, arg := range []string{"-", "opensnoop.bpf.c", "package.json"} {
		fmt.Printf("%s: %s\n", arg, source.Classify(arg))
	}
	// Output:
	// -: stdin
	// opensnoop.bpf.c: C source
	// package.json: package file
}
