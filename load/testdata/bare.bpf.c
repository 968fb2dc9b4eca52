// Probes whose sections name no target, as libbpf-tools write them
// (gethostlatency, memleak, funclatency): the loader points them at functions.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("uprobe")
int nt_entry(void *ctx)
{
	bump(0);
	return 0;
}

SEC("uretprobe")
int nt_return(void *ctx)
{
	bump(1);
	return 0;
}

SEC("fentry/dummy_fentry")
int nt_dummy_fentry(void *ctx)
{
	return 0;
}

// A program with a target of its own, so that the bare probes are not all.
SEC("tp/syscalls/sys_enter_getpid")
int nt_getpid(void *ctx)
{
	return 0;
}
