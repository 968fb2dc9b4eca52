/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef PKTSNOOP_H
#define PKTSNOOP_H

/* Where in the stack a packet was seen. */
enum hook {
	HOOK_XDP,		/* driver receive path, before an skb exists */
	HOOK_TCX_INGRESS,
	HOOK_TCX_EGRESS,
};

struct event {
	enum hook hook;
	__u32 ifindex;
	__u32 len;		/* bytes from the Ethernet header on */
	__u16 eth_proto;	/* host order: 0x800 for IPv4 */
	__u8 ip_proto;		/* 1 for ICMP */
	__u8 icmp_type;		/* ICMP only: 8 echo request, 0 echo reply */
	__u8 saddr[4];		/* IPv4 addresses, printed as [10,200,0,1] */
	__u8 daddr[4];
};

#endif /* PKTSNOOP_H */
