// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* uprobe: trace calls of a user-space function, with arguments and result.
 *
 *   gcc -O1 -o target examples/uprobe/target.c
 *   nomia run --binary ./target examples/uprobe/uprobe.bpf.c
 *
 * The section names the symbol (uprobe/nomia_add); --binary names the file.
 * Arguments are only in registers at entry and the result only at return,
 * so entry parks them per thread and the return probe sends the event. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16

struct call {
	int a;
	long b;
};

struct event {
	pid_t pid;
	int a;
	long b;
	long ret;
	char comm[TASK_COMM_LEN];
};

/// Trace only this process id (0 = every process running the binary)
const volatile pid_t targ_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);	/* thread id */
	__type(value, struct call);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* BPF_KPROBE rather than BPF_UPROBE: both read pt_regs the same way, and
 * older libbpf headers (before 1.2) lack BPF_UPROBE. */
SEC("uprobe/nomia_add")
int BPF_KPROBE(enter_add, int a, long b)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct call c = { .a = a, .b = b };

	if (targ_pid && targ_pid != id >> 32)
		return 0;
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

SEC("uretprobe/nomia_add")
int BPF_KRETPROBE(exit_add, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct event *e;
	struct call *c;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = id >> 32;
		e->a = c->a;
		e->b = c->b;
		e->ret = ret;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&calls, &tid);
	return 0;
}

/// @brief Trace nomia_add() in a user binary: arguments and return value.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
