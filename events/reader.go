package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
)

// source is the loop over one map.
type source interface {
	// run delivers records to k until stop is set or the source is closed.
	run(ctx context.Context, stop *atomic.Bool, k *sink) error
	// flush interrupts a blocked read so that run can notice stop.
	flush() error
	close() error
}

// Reader delivers the records of a set of ring buffers and perf buffers.
type Reader struct {
	sources []source
	lost    []atomic.Uint64 // per map; stays zero for ring buffers
	running atomic.Bool
	closed  atomic.Bool
}

// Open makes a reader over maps, each a RingBuf or a PerfEventArray. The index of a
// map in maps is the mapIndex that Run passes to the handler. Any other map type is
// an error naming the map; so is a failure to set up a buffer.
func Open(maps []*ebpf.Map, opts Options) (*Reader, error) {
	if len(maps) == 0 {
		return nil, errors.New("events: no maps to read: pass at least one ring buffer or perf event array")
	}
	opts = opts.withDefaults()
	r := &Reader{lost: make([]atomic.Uint64, len(maps))}
	for i, m := range maps {
		src, err := openSource(i, m, opts, &r.lost[i])
		if err != nil {
			r.Close()
			return nil, err
		}
		r.sources = append(r.sources, src)
	}
	return r, nil
}

func openSource(i int, m *ebpf.Map, opts Options, lost *atomic.Uint64) (source, error) {
	if m == nil {
		return nil, fmt.Errorf("events: map %d is nil: pass the maps of a loaded collection", i)
	}
	name := mapName(i, m)
	switch m.Type() {
	case ebpf.RingBuf:
		return newRingSource(name, i, m, opts.MaxLatency)
	case ebpf.PerfEventArray:
		ro := perf.ReaderOptions{Watermark: perfWatermark(opts.PerCPUBuffer)}
		rd, err := perf.NewReaderWithOptions(m, opts.PerCPUBuffer, ro)
		if err != nil {
			return nil, fmt.Errorf("events: open perf buffer %s with %d bytes per CPU: %v (try a smaller Options.PerCPUBuffer)", name, opts.PerCPUBuffer, err)
		}
		return &perfSource{name: name, index: i, rd: rd, maxLatency: opts.MaxLatency, lost: lost}, nil
	default:
		return nil, fmt.Errorf("events: map %s is a %s, not a RingBuf or PerfEventArray: only ring and perf buffers carry events", name, m.Type())
	}
}

// mapName names a map in errors: its kernel name when it has one, else its index.
func mapName(i int, m *ebpf.Map) string {
	if info, err := m.Info(); err == nil && info.Name != "" {
		return fmt.Sprintf("%q", info.Name)
	}
	return fmt.Sprintf("#%d", i)
}

// Run delivers every record to h until ctx is done, the Reader is closed, or a
// read fails; only the last is returned as an error. Calls to h and idle are
// serialized (never concurrent), so they need no locking. rec is valid only during
// the call: copy it to keep it. A ring buffer's rec is the record in the ring's
// read-only mapping, not a copy: writing to it faults. For perf buffers rec may
// carry up to 7 bytes of padding after the program's data.
//
// idle (may be nil) is called when a map has been drained after delivering records
// and the reader is about to wait: the moment to flush buffered output.
//
// When ctx is done, Run delivers what is already in the buffers and returns nil. Run
// may be called again after it returns, but not concurrently.
func (r *Reader) Run(ctx context.Context, h func(mapIndex int, rec []byte), idle func()) error {
	if h == nil {
		return errors.New("events: Run needs a record handler, got nil")
	}
	if r.closed.Load() {
		return errors.New("events: Run on a closed Reader: Open a new one")
	}
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("events: Run is already running on this Reader: call it from one goroutine")
	}
	defer r.running.Store(false)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stop atomic.Bool
	unhook := context.AfterFunc(ctx, func() {
		stop.Store(true)
		for _, s := range r.sources {
			_ = s.flush() // fails only when closed, which also unblocks reads
		}
	})
	defer unhook()

	k := &sink{handle: h, idle: idle}
	if len(r.sources) == 1 {
		return r.sources[0].run(ctx, &stop, k)
	}

	k.mu = new(sync.Mutex)
	errs := make([]error, len(r.sources))
	var wg sync.WaitGroup
	for i, s := range r.sources {
		wg.Go(func() {
			if errs[i] = s.run(ctx, &stop, k); errs[i] != nil {
				cancel() // one failed map stops the others
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Lost returns, per map in the order given to Open, how many records the kernel
// dropped because the buffer was full, as reported by perf lost-sample records. Ring
// buffers cannot report drops (a failed bpf_ringbuf_reserve is visible only to the
// program), so their entries are always 0. Safe to call while Run is running.
func (r *Reader) Lost() []uint64 {
	out := make([]uint64, len(r.lost))
	for i := range r.lost {
		out[i] = r.lost[i].Load()
	}
	return out
}

// Close releases the buffers and makes a running Run return. Calling it again does
// nothing.
func (r *Reader) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	var msgs []string
	for _, s := range r.sources {
		if err := s.close(); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) > 0 {
		// One line, unlike errors.Join, which puts each error on its own.
		return fmt.Errorf("events: %s", strings.Join(msgs, "; "))
	}
	return nil
}
