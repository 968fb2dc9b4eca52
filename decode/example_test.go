package decode_test

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"

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

// Addresses in the shape libbpf-tools' tcpconnect uses: one union member per family,
// chosen by the af field; the member the family rules out is left out.
//
//	struct event {
//		union { __u32 saddr_v4; __u8 saddr_v6[16]; };
//		__u32 af;
//		__u16 dport;
//	};
func Example_addresses() {
	u8 := &btf.Int{Name: "unsigned char", Size: 1}
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	event := &btf.Struct{Name: "event", Size: 24, Members: []btf.Member{
		{Type: &btf.Union{Size: 16, Members: []btf.Member{
			{Name: "saddr_v4", Type: u32},
			{Name: "saddr_v6", Type: &btf.Array{Type: u8, Nelems: 16}},
		}}},
		{Name: "af", Type: u32, Offset: 128},
		{Name: "dport", Type: &btf.Int{Name: "unsigned short", Size: 2}, Offset: 160},
	}}
	d, err := decode.New(event)
	if err != nil {
		panic(err)
	}

	for _, addr := range []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("fe80::1")} {
		rec := make([]byte, 24)
		copy(rec, addr.AsSlice()) // network order, as the socket holds it
		af := uint32(unix.AF_INET)
		if addr.Is6() {
			af = unix.AF_INET6
		}
		binary.LittleEndian.PutUint32(rec[16:], af)
		binary.LittleEndian.PutUint16(rec[20:], 443)
		fmt.Printf("%s\n", d.AppendJSON(nil, rec))
	}
	// Output:
	// {"saddr_v4":"127.0.0.1","af":2,"dport":443}
	// {"saddr_v6":"fe80::1","af":10,"dport":443}
}
