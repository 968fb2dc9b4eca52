/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

/* What packets are counted by. Two 32-bit fields leave no padding, so every
 * byte of the key is set and equal packets always find the same entry. */
struct proto_key {
	__u32 eth_proto;	/* EtherType in host order: 0x800 IPv4, 0x86dd IPv6, 0x806 ARP */
	__u32 ip_proto;		/* IPv4 protocol / IPv6 next header: 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6; 0 otherwise */
};

struct proto_stats {
	__u64 packets;
	__u64 bytes;		/* from the Ethernet header on */
};

#endif /* {{.Guard}} */
