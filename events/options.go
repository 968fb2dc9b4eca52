package events

import "time"

// Defaults used when the corresponding Options field is zero.
const (
	// DefaultPerCPUBuffer is the perf buffer size per CPU: 64 pages of 4 KiB, big
	// enough to absorb a burst between two batched reads.
	DefaultPerCPUBuffer = 256 << 10
	// DefaultMaxLatency bounds how long a record may sit in a buffer before it is
	// delivered; it matches eunomia's default poll_timeout_ms.
	DefaultMaxLatency = 100 * time.Millisecond
)

// Options tune a Reader. The zero value selects the defaults above.
type Options struct {
	// PerCPUBuffer is the size in bytes of each per-CPU perf buffer; the kernel
	// rounds it up to a power-of-two number of pages. Ring buffers keep the size
	// the map was created with.
	PerCPUBuffer int
	// MaxLatency is the longest a record may wait in a buffer before the reader
	// delivers it. Larger values let the reader batch more at moderate rates.
	MaxLatency time.Duration
}

func (o Options) withDefaults() Options {
	if o.PerCPUBuffer <= 0 {
		o.PerCPUBuffer = DefaultPerCPUBuffer
	}
	if o.MaxLatency <= 0 {
		o.MaxLatency = DefaultMaxLatency
	}
	return o
}
