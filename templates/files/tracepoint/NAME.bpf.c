// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: trace execve(2) from its syscall tracepoint.
 *
 *   nomia build {{.Name}}/{{.Name}}.bpf.c
 *   nomia run {{.Name}}/package.json --targ_ppid 1234
 *
 * Tracepoints are a stable kernel ABI (unlike kprobes on kernel functions), so
 * this runs unchanged across kernel versions. Events go through a ring buffer:
 * one buffer shared by all CPUs, in order, with no per-CPU memory waste. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "{{.Name}}.h"

/* There is no filter on the caller's own pid: execve is nearly always
 * called by a child forked a moment earlier, whose pid nobody knows yet. */

/// Trace only execs by children of this process id, e.g. a shell's $$ (0 = every parent)
const volatile pid_t targ_ppid = 0;
/// Trace only this user id (default: every user)
const volatile uid_t targ_uid = -1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_execve(struct trace_event_raw_sys_enter *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	uid_t uid = (u32)bpf_get_current_uid_gid();
	struct task_struct *task;
	struct event *e;
	pid_t ppid;

	/* Filter before reserving: rejected calls then cost no buffer space. */
	if (targ_uid != (uid_t)-1 && targ_uid != uid)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	ppid = BPF_CORE_READ(task, real_parent, tgid);
	if (targ_ppid && targ_ppid != ppid)
		return 0;

	/* Reserve in the ring and fill in place: no copy, no stack limit. A full
	 * ring makes this fail; nomia counts those losses and reports them. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->ppid = ppid;
	e->uid = uid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* execve(const char *filename, char *const argv[], char *const envp[]) */
	if (bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				    (const char *)ctx->args[0]) < 0)
		e->filename[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Trace execve(2): who starts which program.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
