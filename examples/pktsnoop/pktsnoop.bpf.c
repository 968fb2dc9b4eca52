// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pktsnoop: report IPv4 packets (ICMP by default) on one interface from XDP
 * and tcx.
 *
 *   nomia run --iface eth0 examples/pktsnoop/pktsnoop.bpf.c
 *
 * Three programs share one parser: xdp sees received frames first, then the
 * tcx ingress and egress hooks see packets as skbs. Every packet passes on
 * unchanged (XDP_PASS, TCX_NEXT), so attaching this never alters traffic. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "pktsnoop.h"

#define ETH_P_IP 0x0800

/// IP protocol to report: 1 ICMP, 6 TCP, 17 UDP; 0 reports every IPv4 packet
const volatile __u8 ip_proto = IPPROTO_ICMP;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Parses [data, data_end) and sends an event if it is an IPv4 packet of the
 * wanted protocol. Every header is bounds-checked against data_end first:
 * the verifier rejects any packet read it cannot prove is in range. */
static __always_inline void report(enum hook hook, u32 ifindex,
				   void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct icmphdr *icmp;
	struct event *e;

	if ((void *)(ip + 1) > data_end)
		return;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return;
	if (ip_proto && ip->protocol != ip_proto)
		return;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return;
	e->hook = hook;
	e->ifindex = ifindex;
	e->len = data_end - data;
	e->eth_proto = bpf_ntohs(eth->h_proto);
	e->ip_proto = ip->protocol;
	e->icmp_type = 0;
	/* The ICMP header follows the IP header's own length (ihl words). */
	icmp = (void *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_ICMP && (void *)(icmp + 1) <= data_end)
		e->icmp_type = icmp->type;
	__builtin_memcpy(e->saddr, &ip->saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, &ip->daddr, sizeof(e->daddr));
	bpf_ringbuf_submit(e, 0);
}

SEC("xdp")
int xdp_ingress(struct xdp_md *ctx)
{
	report(HOOK_XDP, ctx->ingress_ifindex, (void *)(long)ctx->data,
	       (void *)(long)ctx->data_end);
	return XDP_PASS;
}

SEC("tcx/ingress")
int tcx_ingress(struct __sk_buff *skb)
{
	report(HOOK_TCX_INGRESS, skb->ifindex, (void *)(long)skb->data,
	       (void *)(long)skb->data_end);
	return TCX_NEXT;
}

SEC("tcx/egress")
int tcx_egress(struct __sk_buff *skb)
{
	report(HOOK_TCX_EGRESS, skb->ifindex, (void *)(long)skb->data,
	       (void *)(long)skb->data_end);
	return TCX_NEXT;
}

/// @brief Report IPv4 packets (ICMP by default) seen by XDP and tcx on an interface.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
