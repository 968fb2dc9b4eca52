// Package events reads the records that eBPF programs write into ring buffers
// (BPF_MAP_TYPE_RINGBUF) and perf buffers (BPF_MAP_TYPE_PERF_EVENT_ARRAY) and hands
// them, one at a time and never concurrently, to a callback.
//
// The reader is built for throughput without silent loss. Waking a reader costs the
// traced program an irq_work on its own CPU every time the reader has caught up, so a
// reader that consumes each record as it arrives slows the traced program far more
// than one that lets records pile up a little. Ring buffers are therefore drained in
// batches: after a batch the reader pauses for a time derived from the measured
// arrival rate, bounded so the ring stays at most a quarter full and no record waits
// longer than Options.MaxLatency; at low rates it simply blocks, like a plain reader.
// Perf buffers get the same effect from the kernel's wakeup watermark, with a
// deadline so that sparse events still arrive within MaxLatency.
//
// Losses are counted where the kernel reports them: perf buffers deliver lost-sample
// records, which Reader.Lost sums per map. Ring buffers have no such report: when
// bpf_ringbuf_reserve fails the program sees NULL and nothing reaches user space, so
// only the program itself can count those drops.
package events
