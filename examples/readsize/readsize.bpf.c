// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* readsize: how many bytes processes ask read(2) for, as a log2 histogram per
 * process name, and the total bytes asked per name.
 *
 *   nomia run --interval 1s examples/readsize/readsize.bpf.c --targ_comm dd
 *
 * Nothing here prints: nomia finds the histogram (a value with a `slots`
 * array) and the table (a map the program only adds to) and prints both at
 * exit and every --interval. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16
#define MAX_SLOTS 40

struct name {
	char comm[TASK_COMM_LEN];
};

struct hist {
	__u32 slots[MAX_SLOTS];
};

/// Count only processes of this name (empty = every process)
const volatile char targ_comm[TASK_COMM_LEN] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct name);
	__type(value, struct hist);
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct name);
	__type(value, __u64);
} bytes SEC(".maps");

static const struct hist zero_hist;
static const __u64 zero;

/* log2 of v rounded down, 0 for 0 and 1: the histogram slot of v. */
static __always_inline __u32 slot_of(__u64 v)
{
	__u32 s = 0;

	for (int i = 0; i < 64 && v > 1; i++) {
		v >>= 1;
		s++;
	}
	return s < MAX_SLOTS ? s : MAX_SLOTS - 1;
}

static __always_inline bool wanted(const struct name *n)
{
	if (!targ_comm[0])
		return true;
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (n->comm[i] != targ_comm[i])
			return false;
		if (!targ_comm[i])
			break;
	}
	return true;
}

SEC("tracepoint/syscalls/sys_enter_read")
int on_read(struct trace_event_raw_sys_enter *ctx)
{
	struct name key = {};
	struct hist *h;
	__u64 *total, count = ctx->args[2];

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (!wanted(&key))
		return 0;
	bpf_map_update_elem(&sizes, &key, &zero_hist, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&sizes, &key);
	if (h)
		__sync_fetch_and_add(&h->slots[slot_of(count)], 1);
	bpf_map_update_elem(&bytes, &key, &zero, BPF_NOEXIST);
	total = bpf_map_lookup_elem(&bytes, &key);
	if (total)
		__sync_fetch_and_add(total, count);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
