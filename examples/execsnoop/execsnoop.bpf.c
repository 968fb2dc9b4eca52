// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* execsnoop: trace execve(2) calls with their arguments.
 *
 *   nomia run examples/execsnoop/execsnoop.bpf.c --ignore_failed=false
 *
 * Arguments live in the caller's memory, which a successful exec replaces, so
 * they are copied at syscall entry. The event is too big for the 512-byte BPF
 * stack: it is assembled in a per-CPU scratch map, parked per thread in a hash
 * map until the exit tracepoint supplies the result, and then sent through a
 * perf buffer trimmed to the bytes actually used. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

/// Trace only this user id (default: every user)
const volatile uid_t targ_uid = -1;
/// Trace only children of this process id (0 = every parent)
const volatile pid_t targ_ppid = 0;
/// Skip execs that failed
const volatile bool ignore_failed = true;

/* Scratch space: one event per CPU, reused by every entry. Stale bytes past
 * args_size are never sent, so it is not cleared between uses. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct event);
} heap SEC(".maps");

/* Events between sys_enter_execve and sys_exit_execve, by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

/* Appends one user string to e->args and turns its NUL into a space, so the
 * whole command line reads as one C string. Returns false when full. */
static __always_inline bool append_arg(struct event *e, unsigned int *size,
				       const char *arg)
{
	unsigned int at = *size;
	long n;

	if (at > LAST_ARG)
		return false;
	n = bpf_probe_read_user_str(&e->args[at], ARGSIZE, arg);
	if (n <= 0)
		return false;
	at += n;
	if (at - 1 < FULL_MAX_ARGS_ARR)
		e->args[at - 1] = ' ';
	*size = at;
	e->args_count++;
	return true;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id, zero = 0;
	uid_t uid = (u32)bpf_get_current_uid_gid();
	struct task_struct *task;
	const char **argv, *arg;
	unsigned int size = 0;
	struct event *e;
	pid_t ppid;
	int i;

	if (targ_uid != (uid_t)-1 && targ_uid != uid)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	ppid = BPF_CORE_READ(task, real_parent, tgid);
	if (targ_ppid && targ_ppid != ppid)
		return 0;

	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->ppid = ppid;
	e->uid = uid;
	e->retval = 0;
	e->args_count = 0;

	/* execve(const char *filename, const char *const argv[], envp) */
	if (append_arg(e, &size, (const char *)ctx->args[0])) {
		argv = (const char **)ctx->args[1];
		/* argv[0] usually repeats the path: start at argv[1]. */
		for (i = 1; i < TOTAL_MAX_ARGS; i++) {
			if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
				break;
			if (!append_arg(e, &size, arg))
				break;
		}
	}
	/* The last separator becomes the string's terminator. */
	if (size > 0 && size - 1 < FULL_MAX_ARGS_ARR)
		e->args[size - 1] = '\0';
	e->args_size = size;

	bpf_map_update_elem(&execs, &tid, e, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tracepoint__syscalls__sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct event *e;
	u64 len;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	e->retval = (int)ctx->ret;
	if (ignore_failed && e->retval < 0)
		goto cleanup;
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	/* Send the header and only the used part of args. */
	len = offsetof(struct event, args) + e->args_size;
	if (len <= sizeof(*e))
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, len);
cleanup:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

/// @brief Trace execve(2): every program started, with its arguments.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
