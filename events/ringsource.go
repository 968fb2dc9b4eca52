package events

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

// ringHeaderBytes is the size of the kernel's per-record header (struct
// bpf_ringbuf_hdr) that precedes every record in the ring.
const ringHeaderBytes = 8

// stopCheckMask makes a loop that never catches up (the producer outpaces it) still
// notice a stop request every 1024 records.
const stopCheckMask = 1023

// ringSource reads one BPF ring buffer with adaptive batching.
type ringSource struct {
	name       string
	index      int
	rd         *ringbuf.Reader
	maxLatency time.Duration
}

func (s *ringSource) flush() error { return s.rd.Flush() }
func (s *ringSource) close() error {
	if err := s.rd.Close(); err != nil {
		return fmt.Errorf("close ring buffer %s: %v", s.name, err)
	}
	return nil
}

// run delivers records until stop is set (and the ring has been emptied once more)
// or the reader is closed. A batch ends when a read leaves the ring empty; the loop
// then reports idle and pauses as the pacer says, so that the next batch is read in
// one go instead of taking a kernel wakeup per record.
func (s *ringSource) run(ctx context.Context, stop *atomic.Bool, k *sink) error {
	var (
		rec          ringbuf.Record
		p            = pacer{ringBytes: s.rd.BufferSize(), maxPause: s.maxLatency}
		count, bytes int
	)
	for {
		err := s.rd.ReadInto(&rec)
		switch {
		case err == nil:
		case errors.Is(err, ringbuf.ErrFlushed), errors.Is(err, os.ErrDeadlineExceeded):
			// Flush is how Run interrupts a blocked read; the ring is empty now.
			k.drained()
			if stop.Load() {
				return nil
			}
			continue
		case errors.Is(err, os.ErrClosed):
			k.drained()
			return nil
		default:
			return fmt.Errorf("events: read ring buffer %s: %v", s.name, err)
		}

		k.deliver(s.index, rec.RawSample)
		count++
		bytes += ringHeaderBytes + (len(rec.RawSample)+7)&^7
		if rec.Remaining > 0 {
			if count&stopCheckMask == 0 && stop.Load() {
				k.drained()
				return nil
			}
			continue
		}

		k.drained()
		if stop.Load() {
			return nil
		}
		sleep(ctx, p.pause(count, bytes, time.Now()))
		count, bytes = 0, 0
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
