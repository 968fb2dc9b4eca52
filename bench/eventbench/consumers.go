package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"nomia.dev/nomia/events"
)

// eventSize is sizeof(struct event) in getpid.bpf.c.
const eventSize = 64

// drainTimeout bounds the wait for a consumer to catch up after the producer ends.
const drainTimeout = 3 * time.Second

// result is one consumer's row.
type result struct {
	name      string
	skipped   string // why it did not run
	prod      production
	delivered uint64
	failed    uint64 // reserve failures the program counted (ring full)
	verified  bool   // delivered was counted by reading the output, not inferred
	reported  string // what the consumer itself said about losses
	cpu       time.Duration
	rssKiB    int64
	attach    time.Duration
	exit      time.Duration
	note      string
}

// inProcess runs a reader inside this process against a fresh instance of the
// program. consume starts reading ring and returns a stop function; it counts
// every 64-byte record in delivered.
func inProcess(name string, spec *ebpf.CollectionSpec, d time.Duration,
	consume func(ring *ebpf.Map, delivered *atomic.Uint64) (stop func() error, err error)) result {
	res := result{name: name}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		res.skipped = fmt.Sprintf("load getpid.bpf.o: %v", err)
		return res
	}
	defer coll.Close()
	l, err := link.Tracepoint("syscalls", "sys_enter_getpid", coll.Programs["handle_getpid"], nil)
	if err != nil {
		res.skipped = fmt.Sprintf("attach tracepoint: %v", err)
		return res
	}
	defer l.Close()

	var delivered atomic.Uint64
	stop, err := consume(coll.Maps["events"], &delivered)
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	var cpu0 time.Duration
	res.prod, err = runProducer(d, func() { cpu0 = selfCPU() })
	if err != nil {
		stop()
		res.skipped = err.Error()
		return res
	}
	c, err := readCounts(coll.Maps[countsMap])
	if err != nil {
		stop()
		res.skipped = err.Error()
		return res
	}
	want := c.attempts - c.failed
	deadline := time.Now().Add(drainTimeout)
	for delivered.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	res.cpu = selfCPU() - cpu0
	if err := stop(); err != nil {
		res.note = err.Error()
	}
	res.delivered, res.failed, res.verified = delivered.Load(), c.failed, true
	if c.attempts != res.prod.calls {
		res.note = fmt.Sprintf("program saw %d calls, producer made %d", c.attempts, res.prod.calls)
	}
	return res
}

// bareReader is the baseline: the plain cilium/ebpf reader, one blocking ReadInto
// per record.
func bareReader(ring *ebpf.Map, delivered *atomic.Uint64) (func() error, error) {
	rd, err := ringbuf.NewReader(ring)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var rec ringbuf.Record
		for rd.ReadInto(&rec) == nil {
			if len(rec.RawSample) == eventSize {
				delivered.Add(1)
			}
		}
	}()
	return func() error {
		err := rd.Close()
		<-done
		return err
	}, nil
}

// eventsReader is nomia's events.Reader with default options.
func eventsReader(ring *ebpf.Map, delivered *atomic.Uint64) (func() error, error) {
	r, err := events.Open([]*ebpf.Map{ring}, events.Options{})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, func(_ int, rec []byte) {
			if len(rec) == eventSize {
				delivered.Add(1)
			}
		}, nil)
	}()
	return func() error {
		cancel()
		return errors.Join(<-done, r.Close())
	}, nil
}

// lineCounter counts the lines written through it.
type lineCounter struct{ n atomic.Uint64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(uint64(bytes.Count(p, []byte{'\n'})))
	return len(p), nil
}

// nomiaRun measures `nomia run [-j] pkg` with stdout to /dev/null (or, with
// countLines, into a line counter that verifies delivery).
func nomiaRun(name, bin, pkg string, jsonOut, countLines bool, d time.Duration) result {
	res := result{name: name}
	args := []string{"run", "--duration", "10m"}
	if jsonOut {
		args = append(args, "-j")
	}
	args = append(args, pkg)
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	lines := &lineCounter{}
	if countLines {
		cmd.Stdout = lines
	} else {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			res.skipped = err.Error()
			return res
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}

	scan := newMapScanner()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.skipped = fmt.Sprintf("start %s: %v", bin, err)
		return res
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	fail := func(format string, a ...any) result {
		_ = cmd.Process.Kill()
		<-exited
		res.skipped = fmt.Sprintf(format, a...) + oneLine(stderr.String())
		return res
	}

	var cm *ebpf.Map
	attach, err := probeUntil(start, 10*time.Second, func() (bool, error) {
		select {
		case err := <-exited:
			exited <- err
			return false, fmt.Errorf("nomia exited before attaching (%v)", err)
		default:
		}
		if cm == nil {
			if cm = scan.find(countsMap); cm == nil {
				return false, nil
			}
		}
		c, err := readCounts(cm)
		return c.attempts > 0, err
	})
	if cm != nil {
		defer cm.Close()
	}
	if err != nil {
		return fail("%v: ", err)
	}
	res.attach = attach
	time.Sleep(300 * time.Millisecond) // let the probe's own events drain

	c0, err := readCounts(cm)
	if err != nil {
		return fail("%v: ", err)
	}
	lines0 := lines.n.Load()
	var cpu0 time.Duration
	res.prod, err = runProducer(d, func() { cpu0, _ = procCPU(cmd.Process.Pid) })
	if err != nil {
		return fail("%v: ", err)
	}
	c1, err := readCounts(cm)
	if err != nil {
		return fail("%v: ", err)
	}
	c := c1.minus(c0)
	want := c.attempts - c.failed
	if countLines {
		deadline := time.Now().Add(drainTimeout)
		for lines.n.Load()-lines0 < want && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	} else {
		// No output to watch: give the reader several MaxLatency periods.
		time.Sleep(500 * time.Millisecond)
	}
	cpu1, _ := procCPU(cmd.Process.Pid)
	res.cpu = cpu1 - cpu0
	res.rssKiB = vmHWM(cmd.Process.Pid)

	stopAt := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		err = <-exited
		res.note = "did not exit within 10s of SIGINT"
	}
	res.exit = time.Since(stopAt)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.rssKiB = max(res.rssKiB, ru.Maxrss) // KiB on Linux
	}
	if err != nil && res.note == "" {
		res.note = fmt.Sprintf("exit: %v", err)
	}
	res.failed = c.failed
	if countLines {
		res.delivered, res.verified = lines.n.Load()-lines0, true
	} else {
		res.delivered = want // what the kernel handed over; /dev/null cannot confirm it
	}
	res.reported = lossLines(stderr.String())
	if c.attempts != res.prod.calls {
		res.note = strings.TrimPrefix(res.note+fmt.Sprintf("; program saw %d calls, producer made %d", c.attempts, res.prod.calls), "; ")
	}
	return res
}

// bpftraceScript prints the fields of struct event (seq aside: bpftrace has no
// cheap per-event counter) for the producer's getpid calls.
const bpftraceScript = `tracepoint:syscalls:sys_enter_getpid /comm == "` + producerComm + `"/ {
	printf("%llu %llu %d %d %d %d %d %s\n", nsecs, cgroup, pid, tid, uid, gid, cpu, comm);
}`

// bpftraceRun measures bpftrace printing the same events into a line counter.
func bpftraceRun(bin string, d time.Duration) result {
	res := result{name: "bpftrace", verified: true}
	cmd := exec.Command(bin, "-e", bpftraceScript)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	cmd.Stdout = pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.skipped = fmt.Sprintf("start %s: %v", bin, err)
		return res
	}
	pw.Close()
	var events, lostReported atomic.Uint64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line != "" && line[0] >= '0' && line[0] <= '9':
				events.Add(1)
			case strings.HasPrefix(line, "Lost "):
				if f := strings.Fields(line); len(f) > 1 {
					n, _ := strconv.ParseUint(f[1], 10, 64)
					lostReported.Add(n)
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	attach, err := probeUntil(start, 30*time.Second, func() (bool, error) { return events.Load() > 0, nil })
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		res.skipped = fmt.Sprintf("bpftrace: %v: %s", err, oneLine(stderr.String()))
		return res
	}
	res.attach = attach
	time.Sleep(300 * time.Millisecond)
	events0, lost0 := events.Load(), lostReported.Load()
	var cpu0 time.Duration
	res.prod, err = runProducer(d, func() { cpu0, _ = procCPU(cmd.Process.Pid) })
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		res.skipped = err.Error()
		return res
	}
	deadline := time.Now().Add(drainTimeout)
	for events.Load()-events0+lostReported.Load()-lost0 < res.prod.calls && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cpu1, _ := procCPU(cmd.Process.Pid)
	res.cpu = cpu1 - cpu0
	stopAt := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	res.exit = time.Since(stopAt)
	<-readDone
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.rssKiB = ru.Maxrss
	}
	res.delivered = events.Load() - events0
	if n := lostReported.Load() - lost0; n > 0 {
		res.reported = fmt.Sprintf("%d lost", n)
	}
	return res
}

// lossLines picks what a runner printed about lost events.
func lossLines(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(strings.ToLower(l), "lost") || strings.Contains(strings.ToLower(l), "drop") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "; ")
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
