// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rawtp: trace successful execs from the raw sched_process_exec tracepoint.
 *
 *   nomia run examples/rawtp/rawtp.bpf.c --targ_ppid $$
 *
 * A raw tracepoint receives the tracepoint's C arguments untouched (here the
 * task, its pid before exec, and the binprm) instead of a formatted record:
 * cheaper, but every pointer must be read with BPF_CORE_READ. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
#define PATH_LEN 128

struct event {
	pid_t pid;
	pid_t old_pid;		/* differs from pid when a thread called exec */
	pid_t ppid;
	char comm[TASK_COMM_LEN];
	char filename[PATH_LEN];	/* the path exec resolved */
};

/// Trace only children of this process id (0 = every parent)
const volatile pid_t targ_ppid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("raw_tp/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	pid_t ppid = BPF_CORE_READ(p, real_parent, tgid);
	struct event *e;

	if (targ_ppid && targ_ppid != ppid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = BPF_CORE_READ(p, tgid);
	e->old_pid = old_pid;
	e->ppid = ppid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  BPF_CORE_READ(bprm, filename));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Trace successful execs through a raw tracepoint.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
