// Command eventbench measures how fast ring-buffer events get from the kernel to
// user space, and what reading them costs, for several consumers of the same
// producer in one run.
//
// The producer is a child process whose one thread, named "evbprod" and pinned to
// CPU 0, calls getpid(2) in a loop for a fixed time. bench/testdata/getpid.bpf.c,
// attached to syscalls/sys_enter_getpid, turns each call into a 64-byte ring-buffer
// event and counts attempts and reserve failures in its evb_counts array. First the
// producer runs with nothing attached (its natural rate), then once per consumer:
//
//	floor     the program counts the call and stops before the ring buffer
//	          (count_only): the tracepoint's own cost, a bound for any ring size
//	ceiling   no reader, a ring too big to fill: the cost of the tracepoint and
//	          program alone, which bounds what any reader can receive
//	bare      a cilium/ebpf ringbuf.Reader, one ReadInto per record
//	events    nomia's events.Reader (batched, paced draining)
//	nomia -j  `nomia run -j PACKAGE > /dev/null`, when a nomia binary is given
//	nomia     `nomia run PACKAGE > /dev/null` (table output)
//	bpftrace  the same fields printed by bpftrace, when it is installed
//
// For each it reports delivered events/s, drops (produced − delivered), reader CPU
// per event over the producer's run, the producer's slowdown against running
// alone, and for nomia its exec→attached time, exit time and peak RSS. Ratios are
// against the bare reader of the same run. bench/run.sh builds everything and runs
// it; results are discussed in bench/RESULTS.md.
//
// Usage:
//
//	eventbench -obj getpid.bpf.o [-nomia ./nomia -pkg package.json] [-duration 2s]
package main
