// Test programs for package load: twins in several flavours, some of which
// this kernel refuses, and plain programs that count what they see.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

enum { SLOT_BTF_BAD, SLOT_RAW, SLOT_GOOD_BTF, SLOT_GOOD_RAW, SLOT_TP, SLOT_PAST, SLOT_UNLINK };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

volatile const __u32 nt_tgid = 0;

static void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

// Written for a kernel whose sched_switch had more arguments: the verifier of
// this one rejects the read of argument 10, as it would for a tool built for
// another kernel version.
SEC("tp_btf/sched_switch")
int nt_btf_bad(__u64 *ctx)
{
	if (ctx[10] == 1)
		bump(SLOT_BTF_BAD);
	return 0;
}

SEC("raw_tp/sched_switch")
int nt_raw(struct bpf_raw_tracepoint_args *ctx)
{
	bump(SLOT_RAW);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(nt_good_btf, struct task_struct *p)
{
	bump(SLOT_GOOD_BTF);
	return 0;
}

SEC("raw_tp/sched_wakeup")
int nt_good_raw(struct bpf_raw_tracepoint_args *ctx)
{
	bump(SLOT_GOOD_RAW);
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(nt_fentry)
{
	bump(SLOT_UNLINK);
	return 0;
}

SEC("kprobe/do_unlinkat")
int nt_kprobe(void *ctx)
{
	bump(SLOT_UNLINK);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int nt_tp(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == nt_tgid)
		bump(SLOT_TP);
	return 0;
}

// Loads, but the kernel refuses to attach it: it reads past the record.
SEC("tp/syscalls/sys_enter_getpid")
int nt_past(void *ctx)
{
	if (((__u64 *)ctx)[64] == 1)
		bump(SLOT_PAST);
	return 0;
}

SEC("iter/task")
int nt_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	if (task && task->pid == task->tgid && task->tgid == nt_tgid)
		BPF_SEQ_PRINTF(ctx->meta->seq, "self %d\n", task->tgid);
	return 0;
}

// Loads (raw tracepoint programs name no target at load) but cannot attach:
// syscall events are not raw tracepoints of their own. Its tracepoint twin
// nt_tp can.
SEC("raw_tp/sys_enter_getpid")
int nt_raw_getpid(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}

// Hooks no kernel has, like syncsnoop's arm-only sys_enter_arm_sync_file_range
// on x86: Start skips them as long as another program attaches.
SEC("tp/syscalls/sys_enter_nomia_missing")
int nt_missing_tp(void *ctx)
{
	return 0;
}

SEC("fentry/nomia_missing_function")
int BPF_PROG(nt_missing_fentry)
{
	return 0;
}

SEC("kprobe/nomia_missing_function")
int nt_missing_kprobe(void *ctx)
{
	return 0;
}
