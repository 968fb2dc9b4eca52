// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// A socket filter counting into a hash map: nothing beyond what every eBPF
// kernel has, so no kernel-features words at all.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COUNT_MAP_TYPE BPF_MAP_TYPE_HASH
#include "count.h"

SEC("socket")
int count_packets(struct __sk_buff *skb) { return count(0); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
