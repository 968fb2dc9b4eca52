package events

import "time"

// Tuning of the ring-buffer pause. A kernel wakeup costs the traced CPU a few
// microseconds; amortised over pacerTargetBatch records it is negligible, so there is
// no point in pausing longer than it takes that many records to arrive.
const (
	// pacerLowRate is the arrival rate (records/s) below which the reader blocks
	// like a plain reader: a wakeup per record costs little at such rates and
	// every record is delivered at once.
	pacerLowRate = 1000
	// pacerTargetBatch is the number of records a pause aims to let accumulate.
	pacerTargetBatch = 256
	// pacerFillDivisor keeps a pause short enough that the ring is expected to be
	// at most 1/pacerFillDivisor full when the reader returns, leaving room for
	// the rate to jump before the next estimate.
	pacerFillDivisor = 4
	// pacerMinPause is the shortest pause worth taking: nanosleep overshoots by
	// the timer slack (50 µs by default), so shorter pauses only add jitter.
	pacerMinPause = 20 * time.Microsecond
	// A batch that filled more than 1/pacerOverfull of the ring means the reader
	// came back late (typically: its CPU was busy with other work). Pauses then
	// shrink by pacerBackoff each time and grow back by pacerRecover per calm
	// batch, so a starved reader stops giving its CPU time away.
	pacerOverfull = 2
	pacerBackoff  = 4
	pacerRecover  = 1.25
	pacerMinScale = 1.0 / 256
)

// pacer decides how long a ring-buffer reader pauses after draining a batch, from
// the rate at which records arrived since the previous batch ended.
type pacer struct {
	ringBytes int           // capacity of the ring buffer in bytes
	maxPause  time.Duration // Options.MaxLatency: no record waits longer
	lastEnd   time.Time     // when the previous batch ended; zero before the first
	scale     float64       // backoff factor in [pacerMinScale, 1]; 0 means 1
}

// pause returns how long to wait before reading again, given that a batch of n
// records occupying bytes bytes of ring (headers included) ended at now.
func (p *pacer) pause(n, bytes int, now time.Time) time.Duration {
	last := p.lastEnd
	p.lastEnd = now
	if p.scale == 0 {
		p.scale = 1
	}
	if bytes > p.ringBytes/pacerOverfull {
		p.scale = max(p.scale/pacerBackoff, pacerMinScale)
	} else {
		p.scale = min(p.scale*pacerRecover, 1)
	}
	if last.IsZero() || n == 0 {
		return 0
	}
	elapsed := now.Sub(last)
	if elapsed <= 0 {
		elapsed = time.Nanosecond
	}
	// Records per second over the whole interval: it includes the previous pause
	// and any blocking wait, so it is the true arrival rate, not the drain speed.
	rate := float64(n) / elapsed.Seconds()
	if rate < pacerLowRate {
		return 0
	}
	d := time.Duration(pacerTargetBatch / rate * float64(time.Second))
	if bytes > 0 {
		byteRate := float64(bytes) / elapsed.Seconds()
		fill := float64(p.ringBytes/pacerFillDivisor) / byteRate
		d = min(d, time.Duration(fill*float64(time.Second)))
	}
	d = min(time.Duration(float64(d)*p.scale), p.maxPause)
	if d < pacerMinPause {
		return 0
	}
	return d
}
