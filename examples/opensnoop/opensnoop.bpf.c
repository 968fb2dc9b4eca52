// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* opensnoop: trace openat(2) calls system-wide, one event per call.
 *
 *   nomia run examples/opensnoop/opensnoop.bpf.c --only_failed
 *
 * The path is only readable at syscall entry and the result only at exit, so
 * the entry handler parks what it saw in a hash map keyed by thread id and the
 * exit handler completes the event and sends it through a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "opensnoop.h"

/// Trace only this process id (0 = every process)
const volatile pid_t targ_pid = 0;
/// Trace only this user id (default: every user)
const volatile uid_t targ_uid = -1;
/// Report only failed opens
const volatile bool only_failed = false;

/* What sys_enter_openat saw, waiting for the matching sys_exit_openat. */
struct args {
	const char *fname;
	int flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);	/* thread id: a thread is in one syscall at a time */
	__type(value, struct args);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Filters run at entry so that untraced calls never touch the hash map. */
static __always_inline bool wanted(u32 tgid, u32 uid)
{
	if (targ_pid && targ_pid != tgid)
		return false;
	if (targ_uid != (uid_t)-1 && targ_uid != uid)
		return false;
	return true;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct args args = {};

	if (!wanted(id >> 32, (u32)bpf_get_current_uid_gid()))
		return 0;

	/* openat(int dfd, const char *filename, int flags, umode_t mode) */
	args.fname = (const char *)ctx->args[1];
	args.flags = (int)ctx->args[2];
	bpf_map_update_elem(&start, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int trace_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct args *args;
	struct event *e;
	int ret = (int)ctx->ret;

	args = bpf_map_lookup_elem(&start, &tid);
	if (!args)
		return 0; /* filtered out at entry, or entry predates us */

	if (only_failed && ret >= 0)
		goto cleanup;

	/* A full ring drops this event; the program does not block or retry. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		goto cleanup;

	e->pid = id >> 32;
	e->uid = (u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->flags = args->flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), args->fname);
	bpf_ringbuf_submit(e, 0);

cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

/// @brief Trace openat(2): who opened which path, with which flags and result.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
