// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// The network attach points: classic tc, tcx, cgroup_skb, XDP and a socket
// filter, counting into a plain array.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, u32);
	__type(value, u64);
} packets SEC(".maps");

static void count(u32 key)
{
	u64 *n = bpf_map_lookup_elem(&packets, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc")
int on_tc(struct __sk_buff *skb) { count(0); return 0; }

SEC("tcx/ingress")
int on_tcx(struct __sk_buff *skb) { count(1); return 0; }

SEC("cgroup_skb/egress")
int on_cgroup(struct __sk_buff *skb) { count(2); return 1; }

SEC("xdp")
int on_xdp(struct xdp_md *ctx) { count(3); return XDP_PASS; }

SEC("socket")
int on_socket(struct __sk_buff *skb) { count(4); return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
