// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pgid: the server's test program. Every getpgid(2) call of process targ_pid
 * sends its argument as an event, counts it per argument, and adds it to a
 * log2 histogram, so that tests can check events, counter maps and histogram
 * maps through the API with values they chose. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__s64 arg;
};

struct hist {
	__u32 slots[32];
};

/// Trace only this process id
const volatile __u32 targ_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s64);
	__type(value, __u64);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} args_hist SEC(".maps");

static const __u64 zero;

SEC("tracepoint/syscalls/sys_enter_getpgid")
int on_getpgid(struct trace_event_raw_sys_enter *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, key = 0, slot = 0;
	__s64 arg = ctx->args[0];
	struct event *e;
	struct hist *h;
	__u64 *n;

	if (pid != targ_pid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = pid;
		e->arg = arg;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_update_elem(&calls, &arg, &zero, BPF_NOEXIST);
	n = bpf_map_lookup_elem(&calls, &arg);
	if (n)
		__sync_fetch_and_add(n, 1);
	for (__u64 v = arg; v > 1 && slot < 31; v >>= 1)
		slot++;
	h = bpf_map_lookup_elem(&args_hist, &key);
	if (h)
		__sync_fetch_and_add(&h->slots[slot & 31], 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
