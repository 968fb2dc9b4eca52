package events

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// Flags of bpf_ringbuf_output, _submit and _discard (include/uapi/linux/bpf.h).
const (
	wakeIfCaughtUp = 0 // the default: wake a reader that waits for this record
	noWakeup       = 1 // BPF_RB_NO_WAKEUP
)

// ringWriter loads a socket-filter program that writes one record of size bytes
// (pattern(size)) into ring with bpf_ringbuf_output and flags. Run through
// BPF_PROG_TEST_RUN, it returns 0 when the record went in and a negative errno
// when the ring was full.
func ringWriter(t *testing.T, ring *ebpf.Map, size int, flags int32) func() int32 {
	t.Helper()
	var insns asm.Instructions
	for j, c := range pattern(size) {
		insns = append(insns, asm.StoreImm(asm.R10, int16(j-size), int64(c), asm.Byte))
	}
	insns = append(insns,
		asm.LoadMapPtr(asm.R1, ring.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, int32(-size)),
		asm.Mov.Imm(asm.R3, int32(size)),
		asm.Mov.Imm(asm.R4, flags),
		asm.FnRingbufOutput.Call(),
		asm.Return(),
	)
	return testRunner(t, fmt.Sprintf("ring writer for %d bytes", size), insns)
}

// ringDiscarder is ringWriter for a program that reserves size bytes and discards
// them with flags: a record the reader must skip.
func ringDiscarder(t *testing.T, ring *ebpf.Map, size int, flags int32) func() int32 {
	t.Helper()
	return testRunner(t, "ring discarder", asm.Instructions{
		asm.LoadMapPtr(asm.R1, ring.FD()),
		asm.Mov.Imm(asm.R2, int32(size)),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnRingbufReserve.Call(),
		asm.JEq.Imm(asm.R0, 0, "full"),
		asm.Mov.Reg(asm.R1, asm.R0),
		asm.Mov.Imm(asm.R2, flags),
		asm.FnRingbufDiscard.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
		asm.Mov.Imm(asm.R0, -1).WithSymbol("full"),
		asm.Return(),
	})
}

// testRunner loads insns as a socket filter and returns a function that runs it
// once through BPF_PROG_TEST_RUN and returns its result.
func testRunner(t *testing.T, what string, insns asm.Instructions) func() int32 {
	t.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter, License: "GPL", Instructions: insns,
	})
	if err != nil {
		t.Fatalf("load %s: %v", what, err)
	}
	t.Cleanup(func() { prog.Close() })
	return func() int32 {
		ret, err := prog.Run(&ebpf.RunOptions{Data: make([]byte, 64)})
		if err != nil {
			t.Fatalf("run %s: %v", what, err)
		}
		return int32(ret)
	}
}

// pattern is the content of a test record of n bytes: different for every length
// and position, so a record cut short, shifted or mixed with its neighbour shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(n*31 + j*7 + 1)
	}
	return b
}

// Records whose sizes are not multiples of 8 are padded in the ring, discarded
// records must be skipped, and a small ring wraps around many times: every record
// still arrives whole, in order, with its own bytes.
func TestRingBufferOddSizesWrapAndDiscards(t *testing.T) {
	ring := newRing(t, 4096)
	sizes := []int{1, 3, 13, 64, 100, 8, 7}
	var writers []func() int32
	for _, n := range sizes {
		writers = append(writers, ringWriter(t, ring, n, wakeIfCaughtUp))
	}
	discard := ringDiscarder(t, ring, 40, wakeIfCaughtUp)

	r, err := Open([]*ebpf.Map{ring}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var (
		mu  sync.Mutex
		got [][]byte
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, func(_ int, rec []byte) {
			mu.Lock()
			got = append(got, bytes.Clone(rec))
			mu.Unlock()
		}, nil)
	}()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }

	// ~60 KiB through a 4 KiB ring. A full ring refuses a write (the program
	// returns an error): wait for the reader and write the same record again.
	var want [][]byte
	deadline := time.Now().Add(10 * time.Second)
	for round := range 300 {
		for i, write := range writers {
			for write() != 0 {
				if time.Now().After(deadline) {
					t.Fatalf("ring still full after 10s at round %d: the reader stopped reading", round)
				}
				time.Sleep(100 * time.Microsecond)
			}
			want = append(want, pattern(sizes[i]))
			discard() // whether or not it fits, it must never be delivered
		}
	}
	for count() < len(want) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("delivered %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d = %x, want %x", i, got[i], want[i])
		}
	}
}

// A handler may close the Reader: Run returns nil once the handler is done, and
// the ring's mapping is released then, not while the handler still uses it.
func TestCloseFromHandler(t *testing.T) {
	ring := newRing(t, 4096)
	write := ringWriter(t, ring, 24, wakeIfCaughtUp)
	for range 10 {
		if write() != 0 {
			t.Fatal("ring writer failed on an empty ring")
		}
	}
	r, err := Open([]*ebpf.Map{ring}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := r.sources[0].(*ringSource)
	var seen []string
	done := make(chan error, 1)
	go func() {
		done <- r.Run(context.Background(), func(_ int, rec []byte) {
			if len(seen) == 0 {
				r.Close()
			}
			// Still readable after Close: the mapping outlives the handler.
			seen = append(seen, fmt.Sprintf("%x", rec))
		}, nil)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after Close in the handler = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of Close in its handler")
	}
	if len(seen) == 0 || seen[0] != fmt.Sprintf("%x", pattern(24)) {
		t.Errorf("records seen = %q, want the first to be %x", seen, pattern(24))
	}
	src.mu.Lock()
	released := src.released
	src.mu.Unlock()
	if !released {
		t.Error("ring still mapped after Run returned on a closed Reader")
	}
}

// A record the kernel commits after the reader has caught up but before it has
// published its position brings no wakeup (the kernel wakes a reader only for a
// record at the position it sees), so the reader must look once more after
// publishing instead of blocking for good. Here the ring holds only a discarded
// record that woke nobody; a flush makes the reader drain it, which delivers
// nothing, so the reader's next step is to wait; the hook writes a record at
// exactly the moment before it publishes.
func TestRecordCommittedWhileCatchingUpIsRead(t *testing.T) {
	ring := newRing(t, 4096)
	write := ringWriter(t, ring, 24, wakeIfCaughtUp)
	discard := ringDiscarder(t, ring, 24, noWakeup)
	var fired atomic.Int32
	testHookCaughtUp = func() {
		if fired.Add(1) == 1 && write() != 0 {
			t.Error("ring writer failed on an almost empty ring")
		}
	}
	t.Cleanup(func() { testHookCaughtUp = nil })

	r, err := Open([]*ebpf.Map{ring}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if discard() != 0 {
		t.Fatal("reserve failed on an empty ring")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan []byte, 1)
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, func(_ int, rec []byte) {
			select {
			case got <- bytes.Clone(rec):
			default:
			}
		}, nil)
	}()
	if err := r.sources[0].flush(); err != nil {
		t.Fatal(err)
	}
	select {
	case rec := <-got:
		if !bytes.Equal(rec, pattern(24)) {
			t.Errorf("delivered %x, want %x", rec, pattern(24))
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the record written while the reader caught up was not delivered within 10s (hook ran %d times)", fired.Load())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// Records committed with BPF_RB_NO_WAKEUP never wake a waiting reader; the reader
// still delivers them, within about Options.MaxLatency (the bound here is only
// against a hang).
func TestRecordWithoutWakeupIsDelivered(t *testing.T) {
	ring := newRing(t, 4096)
	write := ringWriter(t, ring, 13, noWakeup)
	r, err := Open([]*ebpf.Map{ring}, Options{MaxLatency: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan []byte, 1)
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, func(_ int, rec []byte) { got <- bytes.Clone(rec) }, nil)
	}()
	time.Sleep(50 * time.Millisecond) // let Run reach its wait on the empty ring
	if write() != 0 {
		t.Fatal("ring writer failed on an empty ring")
	}
	select {
	case rec := <-got:
		if !bytes.Equal(rec, pattern(13)) {
			t.Errorf("delivered %x, want %x", rec, pattern(13))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a record committed without wakeup was not delivered within 10s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
