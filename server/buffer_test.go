package server

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"nomia.dev/nomia"
)

// TestEventBufferRead checks the ring's bookkeeping: what a reader gets after
// a given seq, what it missed, and how an unknown seq is treated.
func TestEventBufferRead(t *testing.T) {
	b := newEventBuffer(4)
	for i := range 10 {
		b.add(nomia.Event{Map: "m", Time: time.Unix(0, 0), Data: []byte{byte(i + 1)}})
	}
	for _, c := range []struct {
		after, last, missed uint64
		first               byte // data byte of the first event returned
		n                   int
	}{
		{after: 0, last: 10, missed: 6, first: 7, n: 4},
		{after: 8, last: 10, missed: 0, first: 9, n: 2},
		{after: 10, last: 10, missed: 0, n: 0},
		{after: 99, last: 10, missed: 0, first: 7, n: 4}, // a seq from before a restart
	} {
		evs, last, missed, closed := b.read(nil, c.after, 100)
		if last != c.last || missed != c.missed || len(evs) != c.n || closed {
			t.Errorf("after %d: %d events, last %d, missed %d, closed %v; want %d, %d, %d, open", c.after, len(evs), last, missed, closed, c.n, c.last, c.missed)
			continue
		}
		if c.n == 0 {
			continue
		}
		var ev struct {
			Seq  uint64 `json:"seq"`
			Data struct {
				Data string `json:"data"`
			} `json:"data"`
		}
		if err := json.Unmarshal(evs[0], &ev); err != nil {
			t.Fatalf("event %s: %v", evs[0], err)
		}
		if ev.Seq != last-uint64(c.n)+1 || ev.Data.Data != fmt.Sprintf("%02x", c.first) {
			t.Errorf("after %d: first event %s, want seq %d with data %02x", c.after, evs[0], last-uint64(c.n)+1, c.first)
		}
	}
	if evs, _, _, _ := b.read(nil, 8, 1); len(evs) != 1 {
		t.Errorf("read with max 1 gave %d events", len(evs))
	}
	b.close()
	if _, _, _, closed := b.read(nil, 10, 100); !closed {
		t.Error("a closed buffer read to its end does not say closed")
	}
	if _, _, _, closed := b.read(nil, 8, 1); closed {
		t.Error("a closed buffer with events left says closed")
	}
}
