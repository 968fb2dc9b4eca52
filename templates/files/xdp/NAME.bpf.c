// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: count received packets and bytes per protocol with XDP.
 *
 *   nomia build {{.Name}}/{{.Name}}.bpf.c
 *   nomia run --iface eth0 --interval 1s {{.Name}}/package.json
 *
 * XDP runs in the driver's receive path before the kernel allocates an skb:
 * the cheapest place to look at (or drop) a packet. Nothing here sends
 * events: nomia prints the `counts` map as a table, at exit and every
 * --interval, because the program only ever adds to it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "{{.Name}}.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/// Drop received packets of this IP protocol (e.g. 1 = ICMP); 0 drops nothing
const volatile __u32 drop_ip_proto = 0;

/* Per-CPU values: each CPU updates its own copy without atomics or
 * contention; nomia sums the copies when it prints. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct proto_key);
	__type(value, struct proto_stats);
} counts SEC(".maps");

/* Reads the EtherType and the IP protocol. Every read is checked against
 * data_end first: the verifier rejects any access it cannot prove in bounds. */
static __always_inline void classify(void *data, void *data_end, struct proto_key *k)
{
	struct ethhdr *eth = data;

	k->eth_proto = 0;
	k->ip_proto = 0;
	if ((void *)(eth + 1) > data_end)
		return;
	k->eth_proto = bpf_ntohs(eth->h_proto);
	if (k->eth_proto == ETH_P_IP) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) <= data_end)
			k->ip_proto = ip->protocol;
	} else if (k->eth_proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) <= data_end)
			k->ip_proto = ip6->nexthdr;
	}
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct proto_stats *c, zero = {};
	struct proto_key k;

	classify(data, data_end, &k);
	c = bpf_map_lookup_elem(&counts, &k);
	if (!c) {
		bpf_map_update_elem(&counts, &k, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, &k);
		if (!c)
			return XDP_PASS;
	}
	/* Per-CPU: no other CPU writes this copy, so plain adds suffice. */
	c->packets++;
	c->bytes += data_end - data;

	if (drop_ip_proto && k.ip_proto == drop_ip_proto)
		return XDP_DROP;
	return XDP_PASS;
}

/// @brief Count received packets and bytes per protocol on an interface (XDP).
char LICENSE[] SEC("license") = "Dual BSD/GPL";
