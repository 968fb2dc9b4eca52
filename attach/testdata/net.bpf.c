// Network test programs: each counts the IPv4 UDP packets to port nt_port that
// pass its hook, in its own slot of counts, and lets every packet through.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

// Macros of linux/if_ether.h, which vmlinux.h cannot carry.
#define ETH_P_IP 0x0800
#define ETH_HLEN 14

enum { SLOT_XDP, SLOT_TCX_IN, SLOT_TCX_OUT, SLOT_TC, SLOT_CGROUP, SLOT_SOCKET };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

volatile const __u16 nt_port = 0;

static void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

// udp_to_port checks an IPv4 header at ip (without options) followed by UDP.
static bool udp_to_port(struct iphdr *ip, void *end)
{
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return false;
	return ip->version == 4 && ip->ihl == 5 && ip->protocol == IPPROTO_UDP &&
	       udp->dest == bpf_htons(nt_port);
}

static bool eth_udp(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return false;
	return udp_to_port((void *)(eth + 1), end);
}

SEC("xdp")
int nt_xdp(struct xdp_md *ctx)
{
	if (eth_udp((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		bump(SLOT_XDP);
	return XDP_PASS;
}

SEC("tcx/ingress")
int nt_tcx_in(struct __sk_buff *skb)
{
	if (eth_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(SLOT_TCX_IN);
	return TCX_NEXT;
}

SEC("tcx/egress")
int nt_tcx_out(struct __sk_buff *skb)
{
	if (eth_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(SLOT_TCX_OUT);
	return TCX_NEXT;
}

// A plain "tc" section: attached at ingress.
SEC("tc")
int nt_tc(struct __sk_buff *skb)
{
	if (eth_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(SLOT_TC);
	return TCX_NEXT;
}

// cgroup_skb programs see the packet from its IP header.
SEC("cgroup_skb/egress")
int nt_cgroup(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof ip) == 0 && ip.version == 4 &&
	    ip.ihl == 5 && ip.protocol == IPPROTO_UDP &&
	    bpf_skb_load_bytes(skb, sizeof ip, &udp, sizeof udp) == 0 &&
	    udp.dest == bpf_htons(nt_port))
		bump(SLOT_CGROUP);
	return 1;
}

// A packet socket on lo sees each packet twice (outgoing and incoming): count
// the incoming copy only. The filter returns 0, so the socket queues nothing.
SEC("socket")
int nt_socket(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;
	if (skb->pkt_type != 0 /* PACKET_HOST */)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof ip) == 0 && ip.version == 4 &&
	    ip.ihl == 5 && ip.protocol == IPPROTO_UDP &&
	    bpf_skb_load_bytes(skb, ETH_HLEN + sizeof ip, &udp, sizeof udp) == 0 &&
	    udp.dest == bpf_htons(nt_port))
		bump(SLOT_SOCKET);
	return 0;
}
