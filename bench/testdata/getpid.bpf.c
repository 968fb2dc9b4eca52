// SPDX-License-Identifier: GPL-2.0
/* getpid: the benchmark producer's tracer. Every getpid(2) made by a thread named
 * "evbprod" (the pinned producer of bench/eventbench) becomes one 64-byte
 * ring-buffer event, the size the delivery numbers in docs and RESULTS.md refer to.
 *
 *   nomia run -j bench/testdata/getpid.bpf.c > /dev/null
 *
 * The program counts what it tried to send and what the full ring refused, so a
 * benchmark can tell drops from delivery without trusting the reader. It reads
 * nothing from the tracepoint context: sys_enter_getpid has no arguments, and a
 * program that reads ctx->args there is refused at attach.
 *
 * With count_only set it stops after counting: the producer's rate then shows what
 * the tracepoint and the filter alone cost, a bound on any ring-buffer delivery. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// nomia:event-type events event
struct event {
	__u64 ts_ns;     /* bpf_ktime_get_ns() */
	__u64 seq;       /* 1, 2, 3 … per program instance */
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u32 cpu;
	__u32 pad;       /* keeps comm 8-aligned and the event at 64 bytes */
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* [0]: events attempted, [1]: events the full ring refused. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} evb_counts SEC(".maps");

/// Count the call but send no event (eventbench's "tracepoint floor" row).
const volatile bool count_only = false;

static __always_inline int is_producer(const char *c)
{
	return c[0] == 'e' && c[1] == 'v' && c[2] == 'b' && c[3] == 'p' &&
	       c[4] == 'r' && c[5] == 'o' && c[6] == 'd' && c[7] == 0;
}

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&evb_counts, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int handle_getpid(void *ctx)
{
	char comm[16];
	struct event *e;
	__u32 slot = 0;
	__u64 *attempts, id;

	bpf_get_current_comm(comm, sizeof(comm));
	if (!is_producer(comm))
		return 0;

	attempts = bpf_map_lookup_elem(&evb_counts, &slot);
	if (!attempts)
		return 0;
	/* One producer thread, so a plain increment cannot race. */
	*attempts += 1;
	if (count_only)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(1);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->ts_ns = bpf_ktime_get_ns();
	e->seq = *attempts;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	id = bpf_get_current_uid_gid();
	e->uid = (__u32)id;
	e->gid = id >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->pad = 0;
	__builtin_memcpy(e->comm, comm, sizeof(comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
