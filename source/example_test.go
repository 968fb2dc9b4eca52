package source_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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

// A verification key admits only OCI references: nothing signs a file.
func ExampleResolve_verify() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, err := source.Resolve(context.Background(), "testdata/getppid.json", source.Options{Verify: key.Public()})
	fmt.Println(err)
	// Output:
	// source testdata/getppid.json: taken as a package file, which carries no signature to verify: signatures apply to OCI references HOST/NAME[:TAG|@sha256:…] (push it with nomia push --sign KEY)
}
