package events

import (
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	const ring = 256 << 10
	start := time.Unix(1000, 0)
	for _, tc := range []struct {
		name     string
		n, bytes int
		elapsed  time.Duration
		maxPause time.Duration
		want     time.Duration
	}{
		// 10 records/s: block like a plain reader, deliver at once.
		{"low rate", 1, 32, 100 * time.Millisecond, time.Second, 0},
		// 1 M/s of 32-byte records: 256 records take 256 µs; the ring is far
		// from a quarter full by then.
		{"target batch", 100, 3200, 100 * time.Microsecond, time.Second, 256 * time.Microsecond},
		// 1 M/s of 4 KiB records: a quarter of the ring (16 records) fills in 16 µs,
		// shorter than is worth sleeping.
		{"ring fill", 100, 100 * 4104, 100 * time.Microsecond, time.Second, 0},
		// 100 k/s of 1 KiB records: a quarter ring (64 KiB) in ~640 µs.
		{"ring fill bound", 100, 100 * 1032, time.Millisecond, time.Second, 635 * time.Microsecond},
		// 5 k/s: 256 records would take 51 ms, more than MaxLatency.
		{"max latency", 50, 50 * 32, 10 * time.Millisecond, 20 * time.Millisecond, 20 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pacer{ringBytes: ring, maxPause: tc.maxPause}
			if d := p.pause(1, 32, start); d != 0 {
				t.Fatalf("first batch paused %v, want 0 (no rate known yet)", d)
			}
			got := p.pause(tc.n, tc.bytes, start.Add(tc.elapsed))
			// Allow 1% for float rounding.
			if diff := got - tc.want; diff < -tc.want/100-time.Microsecond || diff > tc.want/100+time.Microsecond {
				t.Errorf("pause(%d records, %d bytes after %v) = %v, want %v", tc.n, tc.bytes, tc.elapsed, got, tc.want)
			}
		})
	}
}

// A reader that keeps finding the ring more than half full is coming back late
// (its CPU is busy elsewhere); its pauses must shrink until it stops pausing, and
// grow back once batches are small again.
func TestPacerBacksOffWhenRingOverfills(t *testing.T) {
	const ring = 256 << 10
	p := pacer{ringBytes: ring, maxPause: time.Second}
	now := time.Unix(1000, 0)
	p.pause(1, 72, now)
	step := func(bytes int) time.Duration {
		now = now.Add(time.Millisecond)
		return p.pause(bytes/72, bytes, now)
	}
	calm := step(16 << 10)
	if calm == 0 {
		t.Fatal("no pause at 227 k records/s with a calm ring")
	}
	var over time.Duration
	for range 5 {
		over = step(200 << 10)
	}
	if over != 0 {
		t.Errorf("after 5 overfull batches the pause is %v, want 0", over)
	}
	var back time.Duration
	for range 40 {
		back = step(16 << 10)
	}
	if back != calm {
		t.Errorf("after 40 calm batches the pause is %v, want %v again", back, calm)
	}
}
