// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: system-call latency as a log2 histogram per process name.
 *
 *   nomia build {{.Name}}/{{.Name}}.bpf.c
 *   nomia run --interval 1s {{.Name}}/package.json --targ_comm nginx
 *
 * raw_syscalls/sys_enter stamps each thread's entry time, sys_exit turns it
 * into a duration and counts it in the slot of its log2. The histograms live
 * in a map that nomia prints at exit and every --interval; nothing is sent
 * per call, so this stays cheap on busy machines. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "{{.Name}}.h"

/// Measure only this process id (0 = every process)
const volatile pid_t targ_pid = 0;
/// Measure only processes of this name (empty = every process)
const volatile char targ_comm[TASK_COMM_LEN] = {};
/// Only this system call number, e.g. 0 for read on x86-64 (-1 = every call)
const volatile long targ_syscall = -1;
/// Print milliseconds instead of microseconds
const volatile bool targ_ms = false;

/* Entry time by thread id, from sys_enter to sys_exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

/* log2 of v rounded down (0 for 0 and 1), capped at the last slot. */
static __always_inline u32 slot_of(u64 v)
{
	u32 s = 0;

	for (int i = 0; i < 64 && v > 1; i++) {
		v >>= 1;
		s++;
	}
	return s < MAX_SLOTS ? s : MAX_SLOTS - 1;
}

static __always_inline bool comm_matches(const char *comm)
{
	if (!targ_comm[0])
		return true;
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int syscall_enter(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid(), ts;
	char comm[TASK_COMM_LEN];
	u32 tid = (u32)id;

	/* Filter at entry, so the start map holds only calls we measure. */
	if (targ_pid && targ_pid != id >> 32)
		return 0;
	if (targ_syscall != -1 && ctx->id != targ_syscall)
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	if (!comm_matches(comm))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int syscall_exit(struct trace_event_raw_sys_exit *ctx)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct hist_key key = {};
	struct hist *h;
	u64 *tsp, delta;

	/* No entry stamp: filtered out, or the call began before we attached. */
	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &tid);

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	delta /= targ_ms ? 1000000 : 1000;

	/* Create the histogram on first use, then count into it atomically:
	 * several CPUs may update the same process's histogram at once. */
	bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&hists, &key);
	if (h)
		__sync_fetch_and_add(&h->slots[slot_of(delta)], 1);
	return 0;
}

/// @brief System-call latency per process name, as log2 histograms.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
