package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia"
	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/client"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// The benchmarks come in pairs: the daemon's way (HTTP, JSON, SSE,
// supervisor) and the same package started directly through the Go API in
// this process (nomia.New → Start → Run), the floor measured in the same
// run, so that bench/server.sh can print what the daemon adds as a ratio.

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

// BenchmarkStartToFirstEventDirect is BenchmarkStartToFirstEvent's baseline:
// the same package bytes parsed, started and run through the Go API until its
// first event is decoded to JSON, with no HTTP, SSE or supervisor between.
// Stopping is outside the timer.
func BenchmarkStartToFirstEventDirect(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	for b.Loop() {
		first := make(chan struct{}, 1)
		d := startDirect(b, pgidPackage(b), 0, func(int64) {
			select {
			case first <- struct{}{}:
			default:
			}
		})
		getpgid(70009000)
		<-first
		b.StopTimer()
		d.stop(b)
		b.StartTimer()
	}
}

// rssPrograms is how many programs the RSS-per-program benchmarks start.
const rssPrograms = 32

// BenchmarkRSSPerProgram starts 32 programs and reports how much the
// process's resident memory grew per running program (rss-bytes/program),
// event buffers included once they filled. The programs' ring buffers are
// mapped into the process and dominate: $NOMIA_BENCH_RINGBUF sets
// RunOptions.RingBufSize (bytes) to compare sizes.
func BenchmarkRSSPerProgram(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	for b.Loop() {
		ts := servertest.New(b, server.Config{EventBuffer: 1024})
		ctx := context.Background()
		req := startRequest(b, "")
		req.Options.RingBufSize = benchRingBuf(b, 0)
		before := rss(b)
		for i := range rssPrograms {
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
		b.ReportMetric(float64(rss(b)-before)/rssPrograms, "rss-bytes/program")
		ts.Stop()
	}
}

// BenchmarkRSSPerProgramDirect is BenchmarkRSSPerProgram's floor: 32 programs
// started through the Go API in this process, each read by its own Run
// goroutine that decodes every event to JSON and keeps none.
// $NOMIA_BENCH_RINGBUF applies as there.
func BenchmarkRSSPerProgramDirect(b *testing.B) {
	pgidPackage(b)
	bpftest.NoLeaks(b, progName)
	for b.Loop() {
		before := rss(b)
		var seen [rssPrograms]atomic.Uint64
		progs := make([]*direct, rssPrograms)
		for i := range progs {
			progs[i] = startDirect(b, pgidPackage(b), benchRingBuf(b, 0), func(int64) { seen[i].Add(1) })
		}
		for i := range 2048 {
			getpgid(70010000 + int64(i))
		}
		waitFor(b, "every program to read its events", func() bool {
			for i, d := range progs {
				if seen[i].Load()+d.inst.Lost()["events"] < 2048 {
					return false
				}
			}
			return true
		})
		b.ReportMetric(float64(rss(b)-before)/rssPrograms, "rss-bytes/program")
		stopAll(b, progs)
	}
}

// BenchmarkProgramsAtOnce starts $NOMIA_BENCH_PROGRAMS programs (256 unless
// set) on one server, with rings of $NOMIA_BENCH_RINGBUF bytes (256 KiB
// unless set), checks that every one of them still delivers: each gets its
// own syscall, whose argument must arrive on that program's stream, and
// reports programs/op, rss-bytes/program and fds/program while all run. All
// are stopped; ns/op is starting and stopping them all. The check is outside
// the timer: its pace is the test's, and a reader fed at over 1000 records/s
// pauses up to events.DefaultMaxLatency to batch (events' pacer), which a
// back-to-back check would measure instead of the daemon.
// The kernel runs at most 64 programs on one tracepoint, so the programs are
// spread over several (see atOnceSyscalls).
func BenchmarkProgramsAtOnce(b *testing.B) {
	n := benchPrograms(b)
	bpftest.NoLeaks(b, progName)
	for b.Loop() {
		ts := servertest.New(b, server.Config{MaxPrograms: n, Log: log.New(io.Discard, "", 0)})
		ctx := context.Background()
		req := startRequest(b, "")
		req.Options.RingBufSize = benchRingBuf(b, 256<<10)
		rss0, fds0 := rss(b), fdsOpen(b)
		for i := range n {
			req.Name = "many-" + strconv.Itoa(i)
			req.Package = atOnceSyscalls[i/perTracepoint].pkg
			if _, err := ts.Client.Start(ctx, req); err != nil {
				b.Fatalf("program %d of %d: %v", i+1, n, err)
			}
		}
		b.StopTimer()
		for i := range n {
			triggerAtOnce(i)
			awaitStreamed(b, ts.Client, "many-"+strconv.Itoa(i), atOnceArg(i))
		}
		reportAtOnce(b, n, rss0, fds0)
		b.StartTimer()
		ts.Stop()
	}
}

// BenchmarkProgramsAtOnceDirect is BenchmarkProgramsAtOnce's baseline: the
// same programs started through the Go API in this process, each checked to
// decode its own syscall's argument.
func BenchmarkProgramsAtOnceDirect(b *testing.B) {
	n := benchPrograms(b)
	bpftest.NoLeaks(b, progName)
	for b.Loop() {
		rss0, fds0 := rss(b), fdsOpen(b)
		progs := make([]*direct, n)
		got := make([]chan struct{}, n)
		for i := range progs {
			got[i] = make(chan struct{}, 1)
			progs[i] = startDirect(b, atOnceSyscalls[i/perTracepoint].pkg, benchRingBuf(b, 256<<10), func(arg int64) {
				if arg == atOnceArg(i) {
					got[i] <- struct{}{}
				}
			})
		}
		b.StopTimer()
		for i := range n {
			triggerAtOnce(i)
			select {
			case <-got[i]:
			case <-time.After(30 * time.Second):
				b.Fatalf("program %d of %d: no event within 30s", i+1, n)
			}
		}
		reportAtOnce(b, n, rss0, fds0)
		b.StartTimer()
		stopAll(b, progs)
	}
}

// perTracepoint is how many BPF programs the kernel runs on one tracepoint
// (BPF_TRACE_MAX_PROGS): the next attach fails with E2BIG.
const perTracepoint = 64

// atOnceSyscalls are the syscalls on whose enter tracepoints the
// programs-at-once benchmarks put their programs, 64 on each: testdata/pgid.bpf.c
// with its tracepoint renamed, built by benchPrograms. Each takes a pid (or a
// selector) first, so the benchmarks' arguments make them fail harmlessly
// (ESRCH, EINVAL) after the tracepoint has fired.
var atOnceSyscalls = []struct {
	name string
	nr   uintptr
	pkg  []byte
}{
	{name: "getpgid", nr: unix.SYS_GETPGID},
	{name: "getsid", nr: unix.SYS_GETSID},
	{name: "sched_getscheduler", nr: unix.SYS_SCHED_GETSCHEDULER},
	{name: "sched_getparam", nr: unix.SYS_SCHED_GETPARAM},
	{name: "sched_rr_get_interval", nr: unix.SYS_SCHED_RR_GET_INTERVAL},
	{name: "sched_getaffinity", nr: unix.SYS_SCHED_GETAFFINITY},
	{name: "pidfd_open", nr: unix.SYS_PIDFD_OPEN},
	{name: "ioprio_get", nr: unix.SYS_IOPRIO_GET},
}

// atOnceArg is the argument program i's own syscall carries.
func atOnceArg(i int) int64 { return int64(70040000 + i) }

// triggerAtOnce makes program i's syscall, which every program on the same
// tracepoint sees; only program i waits for its argument.
func triggerAtOnce(i int) {
	unix.Syscall(atOnceSyscalls[i/perTracepoint].nr, uintptr(atOnceArg(i)), 0, 0)
}

// buildAtOnce builds the package of every syscall that n programs need,
// once per process.
func buildAtOnce(b *testing.B, n int) {
	src, err := os.ReadFile("testdata/pgid.bpf.c")
	if err != nil {
		b.Fatal(err)
	}
	built.Lock()
	defer built.Unlock()
	for k := range (n + perTracepoint - 1) / perTracepoint {
		sc := &atOnceSyscalls[k]
		if sc.pkg != nil {
			continue
		}
		path := filepath.Join(b.TempDir(), sc.name+".bpf.c")
		text := strings.Replace(string(src), "sys_enter_getpgid", "sys_enter_"+sc.name, 1)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		pkg, err := compile.Build(context.Background(), compile.Options{Source: path})
		if err != nil {
			b.Fatal(err)
		}
		if sc.pkg, err = pkg.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

// reportAtOnce reports what n running programs cost since rss0 and fds0.
func reportAtOnce(b *testing.B, n int, rss0, fds0 int64) {
	b.ReportMetric(float64(n), "programs/op")
	b.ReportMetric(float64(rss(b)-rss0)/float64(n), "rss-bytes/program")
	b.ReportMetric(float64(fdsOpen(b)-fds0)/float64(n), "fds/program")
}

// awaitStreamed streams name's events until one carries arg, failing the
// benchmark if none does within 30s.
func awaitStreamed(b *testing.B, c *client.Client, name string, arg int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	found := false
	err := c.Events(ctx, name, client.StreamOptions{}, func(ev api.Event) error {
		var d eventData
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return fmt.Errorf("event %d: %v", ev.Seq, err)
		}
		if d.Arg == arg {
			found = true
			cancel()
		}
		return nil
	})
	if err != nil || !found {
		b.Fatalf("%s: no event with arg %d on its stream (%v)", name, arg, err)
	}
}

// direct is the pgid package started through the Go API, as the server would
// start it but without HTTP, JSON streams or supervisor: its own Run
// goroutine decodes each event to JSON and hands the argument on.
type direct struct {
	inst    *nomia.Instance
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

// startDirect parses the package bytes a client would upload (data), sets
// the traced pid, starts it with rings of at least ringSize bytes (0: the
// default) and runs it, calling onEvent with each event's argument. The
// benchmark's cleanup stops it if the benchmark did not.
func startDirect(b *testing.B, data []byte, ringSize uint32, onEvent func(arg int64)) *direct {
	pkg, err := bpfpkg.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		b.Fatal(err)
	}
	if err := inst.Set("targ_pid", strconv.Itoa(os.Getpid())); err != nil {
		b.Fatal(err)
	}
	if err := inst.Start(nomia.Options{Notes: io.Discard, RingBufSize: ringSize}); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &direct{inst: inst, cancel: cancel, done: make(chan error, 1)}
	b.Cleanup(func() { d.stop(b) })
	go func() {
		var buf []byte
		d.done <- inst.Run(ctx, func(ev nomia.Event) {
			buf = ev.AppendJSON(buf[:0])
			var e eventData
			if err := json.Unmarshal(buf, &e); err != nil {
				b.Errorf("event %s: %v", buf, err)
				return
			}
			onEvent(e.Arg)
		}, nil)
	}()
	return d
}

// stop ends the Run goroutine and detaches the program, once.
func (d *direct) stop(b *testing.B) {
	if d.stopped {
		return
	}
	d.stopped = true
	d.cancel()
	if err := <-d.done; err != nil {
		b.Error(err)
	}
	if err := d.inst.Close(); err != nil {
		b.Error(err)
	}
}

// stopAll stops progs in parallel, as the server's Close does: each
// tracepoint detach waits for the kernel (tens of ms), and one after another
// they would dominate.
func stopAll(b *testing.B, progs []*direct) {
	var wg sync.WaitGroup
	for _, d := range progs {
		wg.Go(func() { d.stop(b) })
	}
	wg.Wait()
}

// benchRingBuf is $NOMIA_BENCH_RINGBUF, the least ring size in bytes, or def.
func benchRingBuf(b *testing.B, def uint32) uint32 {
	v := os.Getenv("NOMIA_BENCH_RINGBUF")
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		b.Fatalf("NOMIA_BENCH_RINGBUF=%q: want a size in bytes, a power of two", v)
	}
	return uint32(n)
}

// benchPrograms is $NOMIA_BENCH_PROGRAMS, or 256, with the packages they
// need built. Each program holds a few
// file descriptors (program, maps, link, perf event, epoll), so the soft
// RLIMIT_NOFILE is raised to the hard one (Go's runtime does so at start
// too; this makes it explicit) and a count the hard limit cannot hold is
// refused up front rather than failing halfway.
func benchPrograms(b *testing.B) int {
	n := 256
	if v := os.Getenv("NOMIA_BENCH_PROGRAMS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("NOMIA_BENCH_PROGRAMS=%q: want a count of programs", v)
		}
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	if lim.Cur < lim.Max {
		old := lim.Cur
		lim.Cur = lim.Max
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: old, Max: lim.Max}) })
	}
	if most := perTracepoint * len(atOnceSyscalls); n > most {
		b.Skipf("NOMIA_BENCH_PROGRAMS=%d: the benchmark spreads at most %d programs over %d tracepoints (64 each, the kernel's limit)", n, most, len(atOnceSyscalls))
	}
	if need := uint64(n)*fdsPerProgram + 100; need > lim.Max {
		b.Skipf("%d programs need about %d file descriptors, RLIMIT_NOFILE allows %d: raise it (ulimit -Hn) or lower NOMIA_BENCH_PROGRAMS", n, need, lim.Max)
	}
	pgidPackage(b)
	buildAtOnce(b, n)
	return n
}

// fdsPerProgram is an upper bound of the file descriptors one running pgid
// program holds, for benchPrograms' check; the benchmarks measure the real
// count (fds/program).
const fdsPerProgram = 16

// fdsOpen counts the process's open file descriptors (load_test.go's
// openFDs takes a *testing.T).
func fdsOpen(b *testing.B) int64 {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		b.Fatal(err)
	}
	return int64(len(fds))
}

// rss reads the process's resident set size in bytes, after returning the
// Go heap's garbage to the kernel so that it measures what is held.
func rss(b *testing.B) int64 {
	debug.FreeOSMemory()
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
