// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// What loading needs: a CONFIG_ __kconfig extern, a kfunc and a variable
// (__ksym), a CO-RE read and a global variable, in a perf_event program
// writing a stack trace map.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

extern unsigned long CONFIG_HZ __kconfig;
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void init_task __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 127 * sizeof(u64));
} stacks SEC(".maps");

u64 samples;

SEC("perf_event")
int on_sample(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *found;

	found = bpf_task_from_pid(BPF_CORE_READ(task, tgid));
	if (found)
		bpf_task_release(found);
	samples += CONFIG_HZ + (u64)&init_task;
	bpf_get_stackid(ctx, &stacks, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
