package server

import (
	"sync"

	"nomia.dev/nomia"
)

// eventBuffer keeps the last events of a program for its streams: a bounded
// ring of encoded events numbered from 1. The program's reader only ever
// appends, under a short lock, and never waits for a stream; a stream that
// falls behind by more than the ring holds loses the oldest events (a gap it
// is told about) instead of slowing the program or its neighbours.
type eventBuffer struct {
	mu      sync.Mutex
	ring    [][]byte
	next    uint64 // seq of the next event appended; events 1..next-1 exist
	waiters map[chan struct{}]struct{}
	closed  bool
}

func newEventBuffer(size int) *eventBuffer {
	return &eventBuffer{ring: make([][]byte, size), next: 1, waiters: map[chan struct{}]struct{}{}}
}

// add encodes one event into the next slot, reusing the slot's bytes, and
// returns its seq.
func (b *eventBuffer) add(ev nomia.Event) uint64 {
	b.mu.Lock()
	seq := b.next
	slot := &b.ring[seq%uint64(len(b.ring))]
	*slot = appendEvent((*slot)[:0], seq, ev)
	b.next++
	b.mu.Unlock()
	return seq
}

// wake tells every waiting stream that events arrived; the reader calls it
// once per drained batch rather than per event.
func (b *eventBuffer) wake() {
	b.mu.Lock()
	for w := range b.waiters {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	b.mu.Unlock()
}

// close wakes every stream for the last time; read then reports the end.
func (b *eventBuffer) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.wake()
}

// subscribe registers a wake-up channel; the returned func removes it.
func (b *eventBuffer) subscribe() (<-chan struct{}, func()) {
	w := make(chan struct{}, 1)
	b.mu.Lock()
	b.waiters[w] = struct{}{}
	b.mu.Unlock()
	return w, func() {
		b.mu.Lock()
		delete(b.waiters, w)
		b.mu.Unlock()
	}
}

// last returns the seq of the newest event, 0 when there is none.
func (b *eventBuffer) last() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.next - 1
}

// read appends to dst (reusing its byte slices) the events after seq `after`
// (an `after` not yet given out counts as 0), at most max of them, and returns them with the seq of the last one
// returned, how many events between `after` and the first returned were
// already overwritten, and whether the buffer is closed.
func (b *eventBuffer) read(dst [][]byte, after uint64, max int) (evs [][]byte, last, missed uint64, closed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	oldest := uint64(1)
	if n := uint64(len(b.ring)); b.next > n {
		oldest = b.next - n
	}
	if after >= b.next {
		// An id this buffer never gave, e.g. from before a daemon restart
		// (seqs start again at 1): start over from the oldest event held.
		after = oldest - 1
	}
	from := after + 1
	if from < oldest {
		missed = oldest - from
		from = oldest
	}
	last = after + missed
	evs = dst[:0]
	for seq := from; seq < b.next && len(evs) < max; seq++ {
		var buf []byte
		if len(evs) < cap(evs) {
			buf = evs[:len(evs)+1][len(evs)][:0]
		}
		evs = append(evs, append(buf, b.ring[seq%uint64(len(b.ring))]...))
		last = seq
	}
	return evs, last, missed, b.closed && last >= b.next-1
}
