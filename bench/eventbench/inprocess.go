package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
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
	coll, detach, err := loadAttached(spec)
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	defer detach()

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

// loadAttached loads a fresh instance of the program and attaches it; detach
// undoes both.
func loadAttached(spec *ebpf.CollectionSpec) (*ebpf.Collection, func(), error) {
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("load getpid.bpf.o: %v", err)
	}
	l, err := link.Tracepoint("syscalls", "sys_enter_getpid", coll.Programs["handle_getpid"], nil)
	if err != nil {
		coll.Close()
		return nil, nil, fmt.Errorf("attach tracepoint: %v", err)
	}
	return coll, func() { l.Close(); coll.Close() }, nil
}

// ceilingRing is the ring size of the no-reader run: big enough that the producer
// never finds it full during a few seconds (it writes < 200 MB/s here).
const ceilingRing = 1 << 30

// ceiling runs the producer with the program attached and nobody reading, into a
// ring too big to fill. With no reader the kernel sends no wakeups, so this is the
// fastest any consumer can possibly receive these events on this machine: the cost
// of the tracepoint and of the program itself.
func ceiling(spec *ebpf.CollectionSpec, d time.Duration) result {
	spec = spec.Copy()
	spec.Maps["events"].MaxEntries = ceilingRing
	return unread("no reader (ceiling)", spec, d,
		"events written into the ring, not read: the upper bound for every reader")
}

// floor runs the producer with the program attached but told (count_only) to stop
// after its filter and counter, before the ring buffer. Its rate bounds every
// ring-buffer configuration of this producer from above: no event can be delivered
// faster than the tracepoint fires.
func floor(spec *ebpf.CollectionSpec, d time.Duration) result {
	spec, err := countOnly(spec)
	if err != nil {
		return result{name: floorRowName, skipped: err.Error()}
	}
	return unread(floorRowName, spec, d,
		"calls that reached the program, which sent nothing: the tracepoint alone bounds every ring-buffer rate")
}

// countOnly is a copy of spec whose program counts each call and sends nothing.
func countOnly(spec *ebpf.CollectionSpec) (*ebpf.CollectionSpec, error) {
	spec = spec.Copy()
	v := spec.Variables["count_only"]
	if v == nil {
		return nil, fmt.Errorf("the object has no count_only global (rebuild it from bench/testdata/getpid.bpf.c)")
	}
	if err := v.Set(true); err != nil {
		return nil, fmt.Errorf("set count_only: %v", err)
	}
	return spec, nil
}

// floorRowName names the row of floor; its "delivered" column counts calls.
const floorRowName = "tracepoint floor (no ring buffer)"

// unread attaches spec, runs the producer with no consumer and reports what the
// program counted.
func unread(name string, spec *ebpf.CollectionSpec, d time.Duration, note string) result {
	res := result{name: name, verified: true}
	coll, detach, err := loadAttached(spec)
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	defer detach()
	if res.prod, err = runProducer(d, nil); err != nil {
		res.skipped = err.Error()
		return res
	}
	c, err := readCounts(coll.Maps[countsMap])
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	res.delivered, res.failed = c.attempts-c.failed, c.failed
	res.note = note
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
