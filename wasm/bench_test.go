package wasm

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkHostCall measures one host call from a C guest: a map lookup (host
// call, bounds checks and the bpf syscall) and a map-name lookup (host call
// and a string read, no syscall). The guest times its own loop.
func BenchmarkHostCall(b *testing.B) {
	for _, mode := range []string{"calls", "names"} {
		b.Run(map[string]string{"calls": "map_lookup", "names": "map_fd_by_name"}[mode], func(b *testing.B) {
			module := cGuest(b)
			b.ResetTimer()
			var out strings.Builder
			code, err := Run(context.Background(), module, Config{Args: []string{"guest", mode, fmt.Sprint(b.N)}, Stdout: &out})
			if err != nil || code != 0 {
				b.Fatalf("Run = %d, %v\n%s", code, err, out.String())
			}
			var ns int64
			if _, err := fmt.Sscanf(out.String(), "ns %d", &ns); err != nil {
				b.Fatalf("guest printed %q", out.String())
			}
			b.ReportMetric(float64(ns)/float64(b.N), "ns/call")
		})
	}
}

// BenchmarkRecordsIntoGuest measures delivery from a ring buffer into a
// guest's callback, apart from the producer: the host fills the ring with up
// to 16384 32-byte records, then the guest drains them and times its polls.
// It reports the records per second the guest received: into a C guest
// through sample_func, and into a Go guest through the callback-wrapper.
func BenchmarkRecordsIntoGuest(b *testing.B) {
	b.Run("c", func(b *testing.B) {
		benchRecords(b, cGuest(b, "TAIL=8"), "guest", "drain", fmt.Sprint(os.Getpid()))
	})
	b.Run("go-wrapper", func(b *testing.B) {
		benchRecords(b, goGuest(b, "TAIL=8"), "guest", "drain", fmt.Sprint(os.Getpid()))
	})
}

// benchRecords runs module with args in drain mode, feeding it b.N records.
func benchRecords(b *testing.B, module []byte, args ...string) {
	// Compile the module into the process's cache first: a Go guest takes
	// most of a second, which is not delivery.
	Run(context.Background(), module, Config{Args: []string{"warm-up"}})
	b.ResetTimer()
	got, _, ns := drainGuest(b, module, b.N, args...)
	b.ReportMetric(float64(got)/(float64(ns)/1e9), "records/s")
}

// BenchmarkMapLookupNative is the same array lookup as
// BenchmarkHostCall/map_lookup made from Go with cilium/ebpf: the cost of the
// bpf syscall itself, for comparison.
func BenchmarkMapLookupNative(b *testing.B) {
	o, err := loadObject(bpfObject(b))
	if err != nil {
		b.Fatal(err)
	}
	defer o.close()
	var value uint32
	b.ResetTimer()
	for b.Loop() {
		if err := o.coll.Maps["filter"].Lookup(uint32(0), &value); err != nil {
			b.Fatal(err)
		}
	}
}
