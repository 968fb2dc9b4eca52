// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// The network attach points: classic tc, tcx, cgroup_skb, XDP and a socket
// filter, counting into a plain array.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COUNT_MAP_TYPE BPF_MAP_TYPE_ARRAY
#include "count.h"

SEC("tc")
int on_tc(struct __sk_buff *skb) { return count(0); }

SEC("tcx/ingress")
int on_tcx(struct __sk_buff *skb) { return count(1); }

SEC("cgroup_skb/egress")
int on_cgroup(struct __sk_buff *skb) { count(2); return 1; }

SEC("xdp")
int on_xdp(struct xdp_md *ctx) { count(3); return XDP_PASS; }

SEC("socket")
int on_socket(struct __sk_buff *skb) { return count(4); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
