// Test programs for package attach: each hook kind increments its own slot of
// the counts map when it fires for the test process, so the test can check that
// the attachment really runs.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

enum { SLOT_TP, SLOT_RAW_TP, SLOT_TP_BTF, SLOT_PERF, SLOT_KPROBE, SLOT_FENTRY, SLOT_PAST };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

// The test process; set before loading.
volatile const __u32 nt_tgid = 0;

static void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static bool mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == nt_tgid;
}

SEC("tp/syscalls/sys_enter_getpid")
int nt_tp(void *ctx)
{
	if (mine())
		bump(SLOT_TP);
	return 0;
}

SEC("raw_tp/sys_enter")
int nt_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine() && ctx->args[1] == 39 /* __NR_getpid on x86_64 */)
		bump(SLOT_RAW_TP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(nt_tp_btf, struct pt_regs *regs, long id)
{
	if (mine() && id == 39)
		bump(SLOT_TP_BTF);
	return 0;
}

SEC("perf_event")
int nt_perf(void *ctx)
{
	bump(SLOT_PERF);
	return 0;
}

SEC("kprobe/do_unlinkat")
int nt_kprobe(void *ctx)
{
	bump(SLOT_KPROBE);
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(nt_fentry)
{
	bump(SLOT_FENTRY);
	return 0;
}

// Reads far past the 16-byte record of sys_enter_getpid: the verifier accepts it
// (tracepoint contexts may be up to 2 KiB) but the kernel refuses the attach.
SEC("tp/syscalls/sys_enter_getpid")
int nt_tp_past(void *ctx)
{
	if (((__u64 *)ctx)[64] == 1)
		bump(SLOT_PAST);
	return 0;
}

SEC("iter/task")
int nt_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	if (!task)
		return 0;
	// One line per process (thread-group leader): "PID COMM".
	if (task->pid == task->tgid)
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", task->tgid, task->comm);
	return 0;
}
