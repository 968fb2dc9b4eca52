package output

import (
	"encoding/binary"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"
)

// benchEvent is the 64-byte event of decode's benchmarks:
// struct event { u32 pid; u32 tid; u64 ts; char comm[16]; int ret; u32 flags; u64 a[2]; }
func benchEvent(b *testing.B) Event {
	d := mustDecoder(b, &btf.Struct{Name: "event", Size: 64, Members: []btf.Member{
		field("pid", u32, 0), field("tid", u32, 4), field("ts", u64, 8),
		field("comm", &btf.Array{Type: char, Nelems: 16}, 16), field("ret", s32, 32),
		field("flags", u32, 36), field("a", &btf.Array{Type: u64, Nelems: 2}, 40),
	}})
	r := make([]byte, 64)
	binary.LittleEndian.PutUint32(r, 31337)
	binary.LittleEndian.PutUint32(r[4:], 31340)
	binary.LittleEndian.PutUint64(r[8:], 8_812_345_678_901)
	copy(r[16:], "nginx")
	binary.LittleEndian.PutUint32(r[36:], 0x241)
	binary.LittleEndian.PutUint64(r[40:], 3)
	binary.LittleEndian.PutUint64(r[48:], 4096)
	return Event{Map: "events", Decoder: d, Time: t0, Data: r}
}

// measure runs write b.N times with event times advancing 300 ns apart (about 3 M
// events/s, so the per-second time cache misses as often as it would live) and
// reports the thread's CPU time per event, which a shared machine does not inflate
// the way wall time is.
func measure(b *testing.B, w Writer, ev Event) { measureBatches(b, w, ev, 1) }

// measureBatches is measure with times that advance only every batch events, as
// nomia.Instance.Run stamps them: one reading of the clock per drained batch.
func measureBatches(b *testing.B, w Writer, ev Event, batch int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	start, n := ts.Nano(), 0
	for b.Loop() {
		if n%batch == 0 {
			ev.Time = ev.Time.Add(time.Duration(batch) * 300 * time.Nanosecond)
		}
		if err := w.Write(ev); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	b.ReportMetric(float64(ts.Nano()-start)/float64(n), "cpu-ns/op")
}

// BenchmarkJSONWriter is the per-event cost of JSON lines, time included; the target
// is about 150 ns.
func BenchmarkJSONWriter(b *testing.B) {
	measure(b, NewJSON(io.Discard, Options{}), benchEvent(b))
}

// BenchmarkJSONWriterBatched is BenchmarkJSONWriter with the runner's time stamps:
// one per batch of 256 records, the pacer's target batch.
func BenchmarkJSONWriterBatched(b *testing.B) {
	measureBatches(b, NewJSON(io.Discard, Options{}), benchEvent(b), 256)
}

// BenchmarkTableWriter is the per-event cost of a table row.
func BenchmarkTableWriter(b *testing.B) {
	measure(b, NewTable(io.Discard, Options{Location: time.UTC}), benchEvent(b))
}
