package events

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf/perf"
)

// past is a deadline that makes a perf read return at once when no data is left,
// which turns the blocking reader into a draining one.
var past = time.Unix(1, 0)

// perfSource reads one perf event array. The kernel batches for us: it wakes the
// reader only once a per-CPU buffer holds a watermark's worth of bytes, and a
// deadline bounds how long sparse records wait.
type perfSource struct {
	name       string
	index      int
	rd         *perf.Reader
	maxLatency time.Duration
	lost       *atomic.Uint64
}

func (s *perfSource) flush() error { return s.rd.Flush() }
func (s *perfSource) close() error {
	if err := s.rd.Close(); err != nil {
		return fmt.Errorf("close perf buffer %s: %v", s.name, err)
	}
	return nil
}

// perfWatermark is the number of bytes that must be in a per-CPU buffer before the
// kernel wakes the reader: a quarter of the buffer, so a burst has room to spare
// while the reader wakes up.
func perfWatermark(perCPUBuffer int) int {
	return max(1, perCPUBuffer/4)
}

func (s *perfSource) run(_ context.Context, stop *atomic.Bool, k *sink) error {
	var (
		rec      perf.Record
		draining bool
		count    int
	)
	s.rd.SetDeadline(time.Now().Add(s.maxLatency))
	for {
		err := s.rd.ReadInto(&rec)
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, perf.ErrFlushed):
			// Every CPU buffer has been emptied: a batch (or an idle wait) ended.
			if draining {
				k.drained()
			}
			if stop.Load() {
				return nil
			}
			draining = false
			s.rd.SetDeadline(time.Now().Add(s.maxLatency))
			continue
		case errors.Is(err, os.ErrClosed):
			k.drained()
			return nil
		case perf.IsUnknownEvent(err):
			continue
		default:
			return fmt.Errorf("events: read perf buffer %s: %v", s.name, err)
		}

		if rec.LostSamples > 0 {
			s.lost.Add(rec.LostSamples)
		} else {
			k.deliver(s.index, rec.RawSample)
		}
		if !draining {
			// Read everything that is there now, then report the end of the
			// batch instead of blocking in the middle of it.
			draining = true
			s.rd.SetDeadline(past)
		}
		count++
		if count&stopCheckMask == 0 && stop.Load() {
			k.drained()
			return nil
		}
	}
}
