// Uprobe test programs: counts calls of nt_target_fn in the binary TARGET
// (a -D define holding its absolute path) and returns from it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

// libbpf's absolute form: "uprobe/" followed by the path, which starts with "/".
SEC("uprobe/" TARGET ":nt_target_fn")
int nt_uprobe(void *ctx)
{
	bump(0);
	return 0;
}

SEC("uretprobe/" TARGET ":nt_target_fn")
int nt_uretprobe(void *ctx)
{
	bump(1);
	return 0;
}

// Names only the function: the binary comes from Target.Binary.
SEC("uprobe/nt_target_fn")
int nt_uprobe_bare(void *ctx)
{
	bump(2);
	return 0;
}
