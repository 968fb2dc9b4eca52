package output_test

import (
	"encoding/binary"
	"os"
	"time"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/decode"
	"nomia.dev/nomia/output"
)

// struct event { __u32 pid; char comm[8]; };
func eventDecoder() *decode.Decoder {
	d, err := decode.New(&btf.Struct{Name: "event", Size: 12, Members: []btf.Member{
		{Name: "pid", Type: &btf.Int{Name: "unsigned int", Size: 4}},
		{Name: "comm", Type: &btf.Array{Type: &btf.Int{Name: "char", Size: 1}, Nelems: 8}, Offset: 32},
	}})
	if err != nil {
		panic(err)
	}
	return d
}

func record(pid uint32, comm string) []byte {
	r := make([]byte, 12)
	binary.LittleEndian.PutUint32(r, pid)
	copy(r[4:], comm)
	return r
}

func ExampleNewJSON() {
	w := output.NewJSON(os.Stdout, output.Options{})
	at := time.Date(2026, 11, 25, 2, 0, 0, 500_000_000, time.UTC)
	_ = w.Write(output.Event{Map: "events", Decoder: eventDecoder(), Time: at, Data: record(1, "init")})
	_ = w.Flush()
	// Output:
	// {"time":"2026-11-25T02:00:00.5Z","pid":1,"comm":"init"}
}

func ExampleNewTable() {
	w := output.NewTable(os.Stdout, output.Options{Location: time.UTC})
	d := eventDecoder()
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	_ = w.Write(output.Event{Map: "events", Decoder: d, Time: at, Data: record(1, "init")})
	_ = w.Write(output.Event{Map: "events", Decoder: d, Time: at.Add(time.Second), Data: record(4242, "bash")})
	_ = w.Flush()
	// Output:
	// TIME     PID        COMM
	// 02:00:00 1          init
	// 02:00:01 4242       bash
}
