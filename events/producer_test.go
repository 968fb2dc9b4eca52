package events

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// The test producer is one OS thread, pinned to a CPU, calling getppid. A
// raw_tp/sys_enter program (which needs no tracefs mount, unlike a tracepoint) picks
// out that thread's getppid calls and writes one record per call:
//
//	struct rec { u64 seq; u32 tid; u32 cpu; u64 ktime_ns; }
//
// seq counts from 1 in an array map, so the test knows exactly what was produced.
const recSize = 24

type testRec struct {
	Seq   uint64
	TID   uint32
	CPU   uint32
	Ktime uint64
}

func parseRec(t testing.TB, b []byte) testRec {
	if len(b) < recSize {
		t.Fatalf("record of %d bytes, want at least %d", len(b), recSize)
	}
	return testRec{
		Seq:   binary.NativeEndian.Uint64(b[0:]),
		TID:   binary.NativeEndian.Uint32(b[8:]),
		CPU:   binary.NativeEndian.Uint32(b[12:]),
		Ktime: binary.NativeEndian.Uint64(b[16:]),
	}
}

// monotonicNs is CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns.
func monotonicNs() uint64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return uint64(ts.Nano())
}

// producer runs getppid bursts on a dedicated, pinned thread.
type producer struct {
	tid  uint32
	cpu  int
	cmds chan func()
	done chan struct{}
}

func startProducer(t testing.TB) *producer {
	p := &producer{cmds: make(chan func()), done: make(chan struct{})}
	ready := make(chan error)
	go func() {
		// Never unlocked: the thread (with its changed affinity) exits with
		// the goroutine instead of returning to Go's pool.
		runtime.LockOSThread()
		var set unix.CPUSet
		set.Set(0)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			ready <- err
			return
		}
		p.tid, p.cpu = uint32(unix.Gettid()), 0
		ready <- nil
		for f := range p.cmds {
			f()
			p.done <- struct{}{}
		}
	}()
	if err := <-ready; err != nil {
		t.Fatalf("pin producer thread to CPU 0: %v", err)
	}
	t.Cleanup(func() { close(p.cmds) })
	return p
}

// do runs f on the producer thread and waits for it.
func (p *producer) do(f func()) {
	p.cmds <- f
	<-p.done
}

// burst makes n traced calls as fast as possible.
func (p *producer) burst(n int) {
	p.do(func() {
		for range n {
			unix.Getppid()
		}
	})
}

// paced makes n traced calls, one every gap (busy-waiting, so gaps far below a
// millisecond are honoured).
func (p *producer) paced(n int, gap time.Duration) {
	p.do(func() {
		next := time.Now()
		for range n {
			for time.Now().Before(next) {
			}
			unix.Getppid()
			next = next.Add(gap)
		}
	})
}

// testOutputs are the buffers one program writes each record to; nil ones are skipped.
type testOutputs struct {
	ring, perf *ebpf.Map
}

// testProgram loads and attaches the producer's tracer; everything it creates is
// released by t.Cleanup. It returns the sequence counter map.
func testProgram(t testing.TB, p *producer, out testOutputs) *ebpf.Map {
	t.Helper()
	counter := newMap(t, &ebpf.MapSpec{Name: "seq", Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		// raw_tp sys_enter: ctx[1] is the syscall number.
		asm.LoadMem(asm.R2, asm.R6, 8, asm.DWord),
		asm.JNE.Imm(asm.R2, int32(unix.SYS_GETPPID), "exit"),
		asm.FnGetCurrentPidTgid.Call(),
		asm.JNE.Imm32(asm.R0, int32(p.tid), "exit"),
		// r7 = ++seq[0]
		asm.StoreImm(asm.R10, -4, 0, asm.Word),
		asm.LoadMapPtr(asm.R1, counter.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMem(asm.R7, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R7, 1),
		asm.StoreMem(asm.R0, 0, asm.R7, asm.DWord),
		// the record, on the stack at r10-24
		asm.FnGetSmpProcessorId.Call(),
		asm.StoreMem(asm.R10, -12, asm.R0, asm.Word),
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
		asm.StoreMem(asm.R10, -24, asm.R7, asm.DWord),
		asm.StoreImm(asm.R10, -16, int64(p.tid), asm.Word),
	}
	if out.ring != nil {
		insns = append(insns,
			asm.LoadMapPtr(asm.R1, out.ring.FD()),
			asm.Mov.Reg(asm.R2, asm.R10),
			asm.Add.Imm(asm.R2, -recSize),
			asm.Mov.Imm(asm.R3, recSize),
			asm.Mov.Imm(asm.R4, 0),
			asm.FnRingbufOutput.Call(),
		)
	}
	if out.perf != nil {
		insns = append(insns,
			asm.Mov.Reg(asm.R1, asm.R6),
			asm.LoadMapPtr(asm.R2, out.perf.FD()),
			asm.LoadImm(asm.R3, 0xffffffff, asm.DWord), // BPF_F_CURRENT_CPU
			asm.Mov.Reg(asm.R4, asm.R10),
			asm.Add.Imm(asm.R4, -recSize),
			asm.Mov.Imm(asm.R5, recSize),
			asm.FnPerfEventOutput.Call(),
		)
	}
	insns = append(insns,
		asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"),
		asm.Return(),
	)
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name: "events_test", Type: ebpf.RawTracepoint, License: "GPL", Instructions: insns,
	})
	if err != nil {
		t.Fatalf("load test program: %v", err)
	}
	t.Cleanup(func() { prog.Close() })
	l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: "sys_enter", Program: prog})
	if err != nil {
		t.Fatalf("attach test program to raw_tp/sys_enter: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return counter
}

func newMap(t testing.TB, spec *ebpf.MapSpec) *ebpf.Map {
	t.Helper()
	m, err := ebpf.NewMap(spec)
	if err != nil {
		t.Fatalf("create map %s: %v", spec.Name, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newRing(t testing.TB, size uint32) *ebpf.Map {
	return newMap(t, &ebpf.MapSpec{Name: "ring", Type: ebpf.RingBuf, MaxEntries: size})
}

func newPerf(t testing.TB) *ebpf.Map {
	return newMap(t, &ebpf.MapSpec{Name: "perf", Type: ebpf.PerfEventArray})
}

func readCounter(t testing.TB, m *ebpf.Map) uint64 {
	var v uint64
	if err := m.Lookup(uint32(0), &v); err != nil {
		t.Fatalf("read sequence counter: %v", err)
	}
	return v
}
