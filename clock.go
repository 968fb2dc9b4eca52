package nomia

import "time"

// batchClock stamps events with one reading of the clock per batch the reader
// drains, instead of one per event: time.Now costs ~47 ns here, a sixth of the
// whole per-event budget, while a batch drains in microseconds.
type batchClock struct {
	t     time.Time
	count uint8 // events stamped since the last reading; wraps at 256
	fresh bool
}

// now returns the time for the next event, reading the clock for the first event
// after stale and every 256 events.
func (c *batchClock) now() time.Time {
	if !c.fresh || c.count == 0 {
		c.t, c.fresh = time.Now(), true
	}
	c.count++
	return c.t
}

// stale marks the reading as old: the reader is about to wait, and the next
// event may come much later.
func (c *batchClock) stale() { c.fresh = false }
