package source_test

import (
	"fmt"

	"nomia.dev/nomia/source"
)

func ExampleClassify() {
	for _, arg := range []string{
		"-", "opensnoop.bpf.c", "package.json",
		"https://example.test/tools/package.json",
		"localhost:5000/tools/mytool:v1",
		"tools/mytool:v1", // no registry host: a file name, never a Docker Hub lookup
	} {
		fmt.Printf("%s: %s\n", arg, source.Classify(arg))
	}
	// Output:
	// -: stdin
	// opensnoop.bpf.c: C source
	// package.json: package file
	// https://example.test/tools/package.json: URL
	// localhost:5000/tools/mytool:v1: OCI reference
	// tools/mytool:v1: package file
}
