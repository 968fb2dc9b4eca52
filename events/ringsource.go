package events

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// ringHeaderBytes is the size of the kernel's per-record header (struct
// bpf_ringbuf_hdr) that precedes every record in the ring.
const ringHeaderBytes = 8

// RingRecordBytes is the room a record of n data bytes takes in a BPF ring
// buffer: the kernel's header, then the data padded to 8 bytes.
func RingRecordBytes(n uint64) uint64 { return ringHeaderBytes + (n+7)&^7 }

// stopCheckMask makes a loop that never catches up (the producer outpaces it) still
// notice a stop request every 1024 records.
const stopCheckMask = 1023

// ringSource reads one BPF ring buffer with adaptive batching.
type ringSource struct {
	name       string
	index      int
	ring       *mmapRing
	poll       *poller
	maxLatency time.Duration

	// run uses ring and poll without a lock (taking one per record would cost
	// more than reading the record), so Close cannot unmap the ring while run is
	// using it: it marks the source closed, wakes run, and leaves the release to
	// run's exit. mu guards these hand-overs, never the reading.
	mu       sync.Mutex
	active   bool        // run is using ring and poll
	closed   atomic.Bool // close was called; run polls it between batches
	released bool        // ring unmapped, descriptors closed
}

func newRingSource(name string, index int, m *ebpf.Map, maxLatency time.Duration) (*ringSource, error) {
	ring, err := mapRing(m.FD(), m.MaxEntries())
	if err != nil {
		return nil, fmt.Errorf("events: open ring buffer %s: %v", name, err)
	}
	poll, err := newPoller(m.FD())
	if err != nil {
		_ = ring.unmap()
		return nil, fmt.Errorf("events: open ring buffer %s: %v", name, err)
	}
	return &ringSource{name: name, index: index, ring: ring, poll: poll, maxLatency: maxLatency}, nil
}

func (s *ringSource) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return nil // a released source has no reader left to interrupt
	}
	return s.poll.wake()
}

func (s *ringSource) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	if s.active {
		return s.poll.wake() // run releases on its way out
	}
	return s.release()
}

// release frees the ring's mapping and descriptors; mu must be held.
func (s *ringSource) release() error {
	s.released = true
	if err := firstErr(s.ring.unmap(), s.poll.close()); err != nil {
		return fmt.Errorf("close ring buffer %s: %v", s.name, err)
	}
	return nil
}

// begin claims the ring for run; false when the source is already closed.
func (s *ringSource) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false
	}
	s.active = true
	return true
}

// end gives the ring back, releasing it if close came while run was using it.
func (s *ringSource) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = false
	if s.closed.Load() && !s.released {
		_ = s.release() // Close has already returned; nobody is left to tell
	}
}

// run delivers records until stop is set (and the ring has been emptied once more)
// or the source is closed. A batch ends when the ring is empty; the loop then
// reports idle and pauses as the pacer says, so that the next batch is read in one
// go instead of taking a kernel wakeup per record.
func (s *ringSource) run(ctx context.Context, stop *atomic.Bool, k *sink) error {
	if !s.begin() {
		k.drained()
		return nil
	}
	defer s.end()
	var (
		p            = pacer{ringBytes: s.ring.size(), maxPause: s.maxLatency}
		count, bytes int
	)
	for {
		res, err := s.ring.drain(stopCheckMask+1, k, s.index)
		if err != nil {
			k.drained()
			return fmt.Errorf("events: read ring buffer %s: %v (is another process consuming this map?)", s.name, err)
		}
		count += res.records
		bytes += res.bytes
		if stop.Load() || s.closed.Load() {
			k.drained()
			return nil
		}
		if res.busy {
			runtime.Gosched() // the producer is still writing the next record
			continue
		}
		if res.records > stopCheckMask {
			continue // stopped to look at stop, not because the ring is empty
		}

		k.drained()
		if count > 0 {
			sleep(ctx, p.pause(count, bytes, time.Now()))
			count, bytes = 0, 0
			continue
		}
		// Nothing arrived during the pause: block until a record does, or Run's
		// cancel or Close wakes the poller. A program may commit records with
		// BPF_RB_NO_WAKEUP, which never wake a waiting reader: MaxLatency bounds
		// the wait so that such records are still delivered in time.
		if err := s.poll.wait(s.maxLatency); err != nil {
			return fmt.Errorf("events: wait for ring buffer %s: %v", s.name, err)
		}
	}
}

// nanosleepLimit is the longest pause taken with nanosleep. Go's timers wake at
// millisecond granularity here, far too coarse for pauses of a few hundred
// microseconds; nanosleep is precise to the timer slack but cannot be interrupted
// by ctx, so longer pauses use a timer.
const nanosleepLimit = 2 * time.Millisecond

// sleep pauses for d, returning early for long pauses when ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	switch {
	case d <= 0:
	case d < nanosleepLimit:
		ts := unix.NsecToTimespec(int64(d))
		for unix.Nanosleep(&ts, &ts) == unix.EINTR {
		}
	default:
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}
