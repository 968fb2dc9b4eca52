package ctype_test

import (
	"fmt"

	"github.com/cilium/ebpf/btf"
	"nomia.dev/nomia/ctype"
)

func ExampleName() {
	comm := &btf.Array{Type: &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}, Nelems: 16}
	fmt.Println(ctype.Name(comm))
	// Output: char[16]
}
