package events_test

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"nomia.dev/nomia/events"
)

// A program writes three records into a ring buffer; Run hands them to the handler
// one by one and stops when the context is cancelled.
func Example() {
	ring, err := ebpf.NewMap(&ebpf.MapSpec{Name: "events", Type: ebpf.RingBuf, MaxEntries: 4096})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ring.Close()

	// A socket filter that writes the 8-byte value 42 to the ring each time it
	// runs; BPF_PROG_TEST_RUN runs it without a socket.
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter, License: "GPL",
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R1, 42),
			asm.StoreMem(asm.R10, -8, asm.R1, asm.DWord),
			asm.LoadMapPtr(asm.R1, ring.FD()),
			asm.Mov.Reg(asm.R2, asm.R10),
			asm.Add.Imm(asm.R2, -8),
			asm.Mov.Imm(asm.R3, 8),
			asm.Mov.Imm(asm.R4, 0),
			asm.FnRingbufOutput.Call(),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer prog.Close()
	for range 3 {
		if _, err := prog.Run(&ebpf.RunOptions{Data: make([]byte, 64)}); err != nil {
			fmt.Println(err)
			return
		}
	}

	r, err := events.Open([]*ebpf.Map{ring}, events.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = r.Run(ctx, func(mapIndex int, rec []byte) {
		n++
		fmt.Printf("map %d record %d: %d\n", mapIndex, n, binary.NativeEndian.Uint64(rec))
		if n == 3 {
			cancel()
		}
	}, func() { fmt.Println("drained") })
	fmt.Println("Run:", err, "lost:", r.Lost())
	// Output:
	// map 0 record 1: 42
	// map 0 record 2: 42
	// map 0 record 3: 42
	// drained
	// Run: <nil> lost: [0]
}

// Only ring buffers and perf event arrays carry events; Open names any other map.
func ExampleOpen_wrongMapType() {
	counts, err := ebpf.NewMap(&ebpf.MapSpec{Name: "counts", Type: ebpf.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer counts.Close()
	_, err = events.Open([]*ebpf.Map{counts}, events.Options{})
	fmt.Println(err)
	// Output:
	// events: map "counts" is a Hash, not a RingBuf or PerfEventArray: only ring and perf buffers carry events
}
