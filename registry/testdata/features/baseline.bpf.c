// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// A socket filter counting into a hash map: nothing beyond what every eBPF
// kernel has, so no kernel-features words at all.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

SEC("socket")
int count_len(struct __sk_buff *skb)
{
	u32 key = 0;
	u64 one = 1;

	bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
