// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* profile: sample which tasks are on CPU, --freq times a second per CPU.
 *
 *   nomia run --freq 99 --duration 5s examples/profile/profile.bpf.c
 *
 * nomia opens one software cpu-clock perf event per CPU and attaches this
 * program to each; every sample runs it in the context of the interrupted
 * task. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16

struct event {
	pid_t pid;		/* process (tgid); 0 is the idle task */
	pid_t tid;
	u32 cpu;
	bool kernel;		/* the sample interrupted kernel code */
	char comm[TASK_COMM_LEN];
};

/// Sample only this process id (0 = every process)
const volatile pid_t targ_pid = 0;
/// Also report samples of idle CPUs
const volatile bool idle = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	pid_t pid = id >> 32;
	struct event *e;

	if (!idle && pid == 0)
		return 0;
	if (targ_pid && targ_pid != pid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->tid = (u32)id;
	e->cpu = bpf_get_smp_processor_id();
#ifdef __TARGET_ARCH_x86
	/* x86: the low two bits of CS are the privilege level, 0 for kernel.
	 * The volatile read keeps the whole 8-byte field: the verifier refuses
	 * the narrower load clang would otherwise emit for "& 3". */
	e->kernel = (*(volatile u64 *)&ctx->regs.cs & 3) == 0;
#else
	e->kernel = false; /* not worked out for other architectures */
#endif
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Sample on-CPU tasks: pid, cpu and comm, --freq times a second.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
