// unsized.bpf.c: maps sized by user space, as libbpf-tools declare them
// (offcputime's stackmap, cpudist's hists): no max_entries, no stack value size.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

SEC("tp_btf/sched_switch")
int on_switch(u64 *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 one = 1, *n = bpf_map_lookup_elem(&counts, &pid);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	bpf_get_stackid(ctx, &stackmap, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
