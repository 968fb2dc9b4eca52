package nomia

import (
	"testing"
	"time"
)

func TestBatchClock(t *testing.T) {
	var c batchClock
	first := c.now()
	if time.Since(first) > time.Second {
		t.Fatalf("first reading %v is not now", first)
	}
	if c.now() != first {
		t.Error("a second event in the same batch read the clock again")
	}
	time.Sleep(2 * time.Millisecond)
	c.stale()
	if after := c.now(); !after.After(first) {
		t.Errorf("after an idle wait the clock was not read again: %v vs %v", after, first)
	}
	start := c.t
	time.Sleep(2 * time.Millisecond)
	var last time.Time
	for i := 0; i < 256; i++ {
		last = c.now()
	}
	if !last.After(start) {
		t.Error("256 events in one batch never read the clock again")
	}
}
