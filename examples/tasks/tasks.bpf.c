// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tasks: list every process, like a tiny ps, with a BPF task iterator.
 *
 *   nomia run examples/tasks/tasks.bpf.c
 *
 * An iterator is not event-driven: reading it runs the program once per
 * task, and whatever BPF_SEQ_PRINTF writes is the text that read returns. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/// List every thread, not just each process's main thread
const volatile bool threads = false;

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	/* The iterator calls once more with task == NULL when it is done. */
	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "%-8s %-8s %s\n", "PID", "TID", "COMM");
	if (!threads && task->pid != task->tgid)
		return 0;
	BPF_SEQ_PRINTF(seq, "%-8d %-8d %s\n", task->tgid, task->pid, task->comm);
	return 0;
}

/// @brief List processes (pid, tid, comm) with a task iterator.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
