package server_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// BenchmarkStartToFirstEvent measures, per op, an uploaded package's way from
// the start request to its first event arriving on a stream: resolve, load,
// attach, read, encode, SSE. Stopping is outside the timer.
func BenchmarkStartToFirstEvent(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	ts := servertest.New(b, server.Config{})
	ctx := context.Background()
	req := startRequest(b, "")
	for i := 0; b.Loop(); i++ {
		req.Name = "bench-" + strconv.Itoa(i)
		if _, err := ts.Client.Start(ctx, req); err != nil {
			b.Fatal(err)
		}
		getpgid(70009000)
		sctx, cancel := context.WithCancel(ctx)
		err := ts.Client.Events(sctx, req.Name, client.StreamOptions{}, func(api.Event) error {
			cancel()
			return nil
		})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := ts.Client.Stop(ctx, req.Name); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkRSSPerProgram starts 32 programs and reports how much the
// process's resident memory grew per running program (rss-bytes/program),
// event buffers included once they filled. The programs' ring buffers are
// mapped into the process and dominate: $NOMIA_BENCH_RINGBUF sets
// RunOptions.RingBufSize (bytes) to compare sizes.
func BenchmarkRSSPerProgram(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	const programs = 32
	for b.Loop() {
		ts := servertest.New(b, server.Config{EventBuffer: 1024})
		ctx := context.Background()
		req := startRequest(b, "")
		if v := os.Getenv("NOMIA_BENCH_RINGBUF"); v != "" {
			n, _ := strconv.ParseUint(v, 10, 32)
			req.Options.RingBufSize = uint32(n)
		}
		before := rss(b)
		for i := range programs {
			req.Name = fmt.Sprintf("rss-%d", i)
			if _, err := ts.Client.Start(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		// Fill every program's event buffer.
		for i := range 2048 {
			getpgid(70010000 + int64(i))
		}
		waitFor(b, "buffers to fill", func() bool {
			list, err := ts.Client.List(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range list {
				if p.Counters.Events+p.Counters.Lost["events"] < 2048 {
					return false
				}
			}
			return true
		})
		b.ReportMetric(float64(rss(b)-before)/programs, "rss-bytes/program")
		ts.Stop()
	}
}

// rss reads the process's resident set size in bytes.
func rss(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// BenchmarkEventStream drives events from the kernel through a program's
// buffer and an SSE stream to a Go client, one getpgid call per op, as fast
// as the caller can make them: ns/op is the producer's pace, and lost/op the
// share that the kernel ring or the stream buffer dropped on the way (not
// waited for).
func BenchmarkEventStream(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	ts := servertest.New(b, server.Config{EventBuffer: 1 << 16})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := startRequest(b, "stream")
	req.Options.RingBufSize = 16 << 20
	if _, err := ts.Client.Start(ctx, req); err != nil {
		b.Fatal(err)
	}
	const last = 70020000 // the final event, sent after the timed ones
	received := make(chan uint64, 1)
	var gaps uint64
	go func() {
		var n uint64
		ts.Client.Events(ctx, "stream", client.StreamOptions{Gap: func(g api.Gap) { gaps += g.Missed }}, func(ev api.Event) error {
			n++
			if strings.Contains(string(ev.Data), strconv.Itoa(last)) {
				received <- n
				return context.Canceled
			}
			return nil
		})
	}()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		getpgid(70030000 + int64(i%1000))
	}
	// The last event may itself be dropped under load: send it until seen.
	var n uint64
	for n == 0 {
		getpgid(last)
		select {
		case n = <-received:
		case <-time.After(10 * time.Millisecond):
		}
	}
	b.StopTimer()
	p := program(b, ts, "stream")
	b.ReportMetric(float64(p.Counters.Lost["events"]+gaps)/float64(b.N), "lost/op")
}
