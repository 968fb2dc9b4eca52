// Stack traces for the symbolizer's end-to-end test: a uprobe on the target's
// inner() takes the user stack; raw_tp/sys_enter takes the kernel and user
// stacks of the target's getppid call.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAX_DEPTH 127

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 64);
	__uint(key_size, sizeof(u32));
	__uint(value_size, MAX_DEPTH * sizeof(u64));
} stacks SEC(".maps");

// ids: [0] the uprobe's user stack, [1] the syscall's kernel stack, [2] the
// syscall's user stack; -1 until taken.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, u32);
	__type(value, s64);
} ids SEC(".maps");

const volatile u32 target_tgid;
const volatile long getppid_nr;

static void save(u32 slot, s64 id)
{
	bpf_map_update_elem(&ids, &slot, &id, BPF_ANY);
}

SEC("uprobe")
int BPF_KPROBE(on_inner)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	save(0, bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK));
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid || id != getppid_nr)
		return 0;
	save(1, bpf_get_stackid(ctx, &stacks, 0));
	save(2, bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
