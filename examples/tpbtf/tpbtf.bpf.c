// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tpbtf: trace process creation from the BTF-typed sched_process_fork
 * tracepoint.
 *
 *   nomia run examples/tpbtf/tpbtf.bpf.c --threads
 *
 * tp_btf programs get the same raw arguments as raw_tp, but the verifier
 * knows their BTF types, so task fields are read by plain dereference. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16

struct event {
	pid_t ppid;		/* parent process (tgid) */
	pid_t pid;		/* child process (tgid) */
	pid_t tid;		/* child thread id; equals pid for a new process */
	char parent_comm[TASK_COMM_LEN];
	char comm[TASK_COMM_LEN];	/* the child's, inherited from its parent */
};

/// Also report new threads, not just new processes
const volatile bool threads = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct event *e;

	if (!threads && child->pid != child->tgid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ppid = parent->tgid;
	e->pid = child->tgid;
	e->tid = child->pid;
	bpf_probe_read_kernel_str(e->parent_comm, sizeof(e->parent_comm), parent->comm);
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), child->comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Trace fork/clone: parent and child of every new process.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
