package events

import (
	"context"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/ringbuf"
)

// The benchmarks measure the user-space cost per record of draining a ring buffer
// that is already full, so the kernel's wakeups and the producer are out of the
// picture (bench/eventbench measures those). The ring is filled between timed
// sections by BPF_PROG_TEST_RUN with Repeat, which runs a 64-byte ringbuf_output
// program chunk times in the kernel.
const benchChunk = 32 << 10

func benchFiller(b *testing.B) (ring *ebpf.Map, fill func()) {
	ring = newMap(b, &ebpf.MapSpec{Name: "bench", Type: ebpf.RingBuf, MaxEntries: 4 << 20})
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter, License: "GPL",
		Instructions: asm.Instructions{
			asm.Mov.Reg(asm.R2, asm.R10),
			asm.Add.Imm(asm.R2, -64),
			asm.Mov.Imm(asm.R1, 0),
			asm.StoreMem(asm.R2, 0, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 8, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 16, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 24, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 32, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 40, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 48, asm.R1, asm.DWord),
			asm.StoreMem(asm.R2, 56, asm.R1, asm.DWord),
			asm.LoadMapPtr(asm.R1, ring.FD()),
			asm.Mov.Imm(asm.R3, 64),
			asm.Mov.Imm(asm.R4, 0),
			asm.FnRingbufOutput.Call(),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
	})
	if err != nil {
		b.Fatalf("load filler program: %v", err)
	}
	b.Cleanup(func() { prog.Close() })
	return ring, func() {
		if _, err := prog.Run(&ebpf.RunOptions{Data: make([]byte, 64), Repeat: benchChunk}); err != nil {
			b.Fatalf("fill ring: %v", err)
		}
	}
}

// BenchmarkRingbufReader is the baseline: cilium/ebpf's reader, one ReadInto per
// record with a reused Record. Read the ns/record metric: whole chunks are read,
// so ns/op (per b.N) is slightly off.
func BenchmarkRingbufReader(b *testing.B) {
	ring, fill := benchFiller(b)
	rd, err := ringbuf.NewReader(ring)
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	var rec ringbuf.Record
	b.SetBytes(64)
	b.ResetTimer()
	for done := 0; done < b.N; done += benchChunk {
		b.StopTimer()
		fill()
		b.StartTimer()
		for range benchChunk {
			if err := rd.ReadInto(&rec); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(roundUp(b.N)), "ns/record")
}

// BenchmarkReader is events.Reader draining the same records through Run.
func BenchmarkReader(b *testing.B) {
	ring, fill := benchFiller(b)
	r, err := Open([]*ebpf.Map{ring}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.SetBytes(64)
	b.ResetTimer()
	for done := 0; done < b.N; done += benchChunk {
		b.StopTimer()
		fill()
		b.StartTimer()
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		err := r.Run(ctx, func(_ int, rec []byte) {
			if n++; n == benchChunk {
				cancel()
			}
		}, nil)
		cancel()
		// A fill interrupted by a signal is retried by cilium/ebpf, and the
		// kernel may then have written a record more than benchChunk; the reader
		// rightly delivers it too.
		if err != nil || n < benchChunk {
			b.Fatalf("Run delivered %d of %d records: %v", n, benchChunk, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(roundUp(b.N)), "ns/record")
}

// roundUp is the number of records a benchmark actually read: whole chunks.
func roundUp(n int) int { return (n + benchChunk - 1) / benchChunk * benchChunk }
