package wasm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
	"github.com/cilium/ebpf/ringbuf"
)

// perfPages is the size of each CPU's perf buffer in pages, libbpf's default
// perf_buffer__new size in wasm-bpf's host.
const perfPages = 64

// buffer reads one ring buffer or perf event array, one poll at a time:
// begin, next until it returns nil, end. A poll delivers at most about one
// buffer's worth of records, so that a producer faster than the guest cannot
// keep a poll from returning.
type buffer struct {
	name  string // the map's name
	ring  *ringbuf.Reader
	perf  *perf.Reader
	limit int // bytes delivered per poll before returning
	rrec  ringbuf.Record
	prec  perf.Record
	lost  uint64 // records the kernel dropped from a full perf buffer
	cut   bool   // a record was longer than the guest's buffer (said once)

	// The poll in progress.
	busy      bool
	delivered int32
	bytes     int
	err       error
	stop      func() bool
}

// newBuffer opens a reader for m, which must be a ring buffer or a perf event array.
func newBuffer(m *ebpf.Map, name string) (*buffer, error) {
	switch m.Type() {
	case ebpf.RingBuf:
		r, err := ringbuf.NewReader(m)
		if err != nil {
			return nil, fmt.Errorf("open ring buffer %s: %v", name, err)
		}
		return &buffer{name: name, ring: r, limit: r.BufferSize()}, nil
	case ebpf.PerfEventArray:
		r, err := perf.NewReader(m, perfPages*os.Getpagesize())
		if err != nil {
			return nil, fmt.Errorf("open perf buffer %s: %v", name, err)
		}
		return &buffer{name: name, perf: r, limit: r.BufferSize() * max(1, int(m.MaxEntries()))}, nil
	}
	return nil, fmt.Errorf("map %s is a %v, not a ring buffer or perf event array", name, m.Type())
}

// begin starts a poll that waits up to timeout for its first record.
// Cancelling ctx ends the wait.
func (b *buffer) begin(ctx context.Context, timeout time.Duration) {
	b.busy, b.delivered, b.bytes, b.err = true, 0, 0, nil
	b.setDeadline(time.Now().Add(timeout))
	b.stop = context.AfterFunc(ctx, b.flush)
}

// next returns the poll's next record, or nil when the poll is over: nothing
// came within the timeout, the records ready have been read, the poll has
// delivered its limit, or reading failed (see end).
func (b *buffer) next() []byte {
	for b.err == nil && b.bytes < b.limit {
		rec, err := b.read()
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, ringbuf.ErrFlushed), errors.Is(err, perf.ErrFlushed):
			return nil
		case err != nil:
			b.err = err
			return nil
		case rec == nil:
			continue // a perf record that only reports losses
		}
		if b.delivered == 0 {
			// Past the first record: take what is ready, do not wait for more.
			b.setDeadline(time.Now())
		}
		b.delivered++
		b.bytes += len(rec)
		return rec
	}
	return nil
}

// end finishes the poll and returns the error that ended it, if any.
func (b *buffer) end() error {
	b.stop()
	b.busy = false
	return b.err
}

// read returns the next record, nil for a perf loss notice.
func (b *buffer) read() ([]byte, error) {
	if b.ring != nil {
		err := b.ring.ReadInto(&b.rrec)
		return b.rrec.RawSample, err
	}
	if err := b.perf.ReadInto(&b.prec); err != nil {
		return nil, err
	}
	if b.prec.LostSamples > 0 {
		b.lost += b.prec.LostSamples
		return nil, nil
	}
	return b.prec.RawSample, nil
}

func (b *buffer) setDeadline(t time.Time) {
	if b.ring != nil {
		b.ring.SetDeadline(t)
	} else {
		b.perf.SetDeadline(t)
	}
}

// flush wakes a waiting read; it is safe to call from another goroutine.
func (b *buffer) flush() {
	if b.ring != nil {
		b.ring.Flush()
	} else {
		b.perf.Flush()
	}
}

func (b *buffer) close() error {
	if b.ring != nil {
		return b.ring.Close()
	}
	return b.perf.Close()
}
