package decode_test

import (
	"encoding/binary"
	"fmt"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/decode"
)

// The struct a BPF program might write to a ring buffer:
//
//	struct event { __u32 pid; int ret; char comm[8]; };
func Example() {
	u32 := &btf.Typedef{Name: "__u32", Type: &btf.Int{Name: "unsigned int", Size: 4}}
	event := &btf.Struct{Name: "event", Size: 16, Members: []btf.Member{
		{Name: "pid", Type: u32, Offset: 0},
		{Name: "ret", Type: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}, Offset: 32},
		{Name: "comm", Type: &btf.Array{Type: &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}, Nelems: 8}, Offset: 64},
	}}
	d, err := decode.New(event)
	if err != nil {
		panic(err)
	}

	rec := make([]byte, 16)
	binary.LittleEndian.PutUint32(rec[0:], 1234)
	binary.LittleEndian.PutUint32(rec[4:], 0xfffffffe) // -2
	copy(rec[8:], "cat")

	fmt.Printf("%s\n", d.AppendJSON(nil, rec))
	for i, f := range d.Fields() {
		fmt.Printf("%s=%s (width %d)\n", f.Name, d.AppendField(nil, i, rec), f.Width)
	}
	// Output:
	// {"pid":1234,"ret":-2,"comm":"cat"}
	// pid=1234 (width 10)
	// ret=-2 (width 11)
	// comm=cat (width 8)
}
