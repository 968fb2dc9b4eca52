package decode

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time the calling thread has used, in nanoseconds.
func threadCPU(b *testing.B) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return ts.Nano()
}

// measure runs f b.N times and reports, besides wall time, the thread's CPU time per
// call ("cpu-ns/op"): on a shared machine that is the number that matches the
// runner's CPU budget per event, while wall time also counts waiting for a core.
func measure(b *testing.B, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	start := threadCPU(b)
	n := 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(threadCPU(b)-start)/float64(n), "cpu-ns/op")
}

// BenchmarkAppendJSON measures the runner's per-event cost for the 64-byte event
// with worst-case numbers (19- and 20-digit values): the target is about 100 ns and
// no allocation.
func BenchmarkAppendJSON(b *testing.B) {
	d, err := New(eventType)
	if err != nil {
		b.Fatal(err)
	}
	r := eventRecord()
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(r)))
	measure(b, func() { buf = d.AppendJSON(buf[:0], r) })
	if string(buf) != eventJSON {
		b.Fatalf("decoded %s", buf)
	}
}

// BenchmarkAppendJSONTypical decodes the same event with typical values.
func BenchmarkAppendJSONTypical(b *testing.B) {
	d, err := New(eventType)
	if err != nil {
		b.Fatal(err)
	}
	r := typicalRecord()
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(r)))
	measure(b, func() { buf = d.AppendJSON(buf[:0], r) })
}

// typicalRecord holds values a tracer usually sees: small pids, a nanosecond uptime,
// small counters.
func typicalRecord() rec {
	return newRec(64).u32(0, 31337).u32(4, 31340).u64(8, 8_812_345_678_901).
		str(16, "nginx").u32(32, 0).u32(36, 0x241).u64(40, 3).u64(48, 4096)
}

// BenchmarkAppendField measures a table row of the same event.
func BenchmarkAppendField(b *testing.B) {
	d, err := New(eventType)
	if err != nil {
		b.Fatal(err)
	}
	r := eventRecord()
	buf := make([]byte, 0, 4096)
	measure(b, func() {
		buf = buf[:0]
		for i := range d.Fields() {
			buf = d.AppendField(buf, i, r)
		}
	})
}

func TestAppendJSONAllocs(t *testing.T) {
	d, err := New(eventType)
	if err != nil {
		t.Fatal(err)
	}
	r := eventRecord()
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { buf = d.AppendJSON(buf[:0], r) }); n != 0 {
		t.Errorf("AppendJSON allocates %v times per record, want 0", n)
	}
}

// BenchmarkAppendJSONAddresses decodes a tcpconnect-shaped IPv6 event: two addresses
// chosen by the family, two members left out.
func BenchmarkAppendJSONAddresses(b *testing.B) {
	d, err := New(connectType)
	if err != nil {
		b.Fatal(err)
	}
	r := newRec(40).ip(0, "2001:db8::1").ip(16, "2001:db8::ff00:42:8329").u32(32, 10).u16(36, 443)
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(r)))
	measure(b, func() { buf = d.AppendJSON(buf[:0], r) })
}

// getpidType is the event of bench/testdata/getpid.bpf.c, the record behind the
// runner's CPU-per-event target (nomia run -j at ~1.8 M events/s).
var getpidType = structOf("event", 64,
	member("ts_ns", tU64, 0), member("seq", tU64, 8), member("cgroup_id", tU64, 16),
	member("pid", tU32, 24), member("tid", tU32, 28), member("uid", tU32, 32),
	member("gid", tU32, 36), member("cpu", tU32, 40), member("pad", tU32, 44),
	member("comm", arrayOf(tChar, 16), 48))

// BenchmarkAppendJSONGetpid is the runner's decoding work per event of that
// benchmark: the members after the writer's own "time" key.
func BenchmarkAppendJSONGetpid(b *testing.B) {
	d, err := New(getpidType)
	if err != nil {
		b.Fatal(err)
	}
	r := newRec(64).u64(0, 17_564_635_021_838).u64(8, 1_234_567).u64(16, 1).
		u32(24, 29117).u32(28, 29117).str(48, "evbprod")
	buf := make([]byte, 0, 4096)
	measure(b, func() { buf = d.AppendJSONMembers(buf[:0], r) })
	const want = `,"ts_ns":17564635021838,"seq":1234567,"cgroup_id":1,"pid":29117,"tid":29117,"uid":0,"gid":0,"cpu":0,"pad":0,"comm":"evbprod"`
	if string(buf) != want {
		b.Fatalf("decoded %s", buf)
	}
}
