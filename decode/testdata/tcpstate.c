// A tracepoint program that reports TCP state changes in the shapes libbpf-tools'
// tcpstates (unsigned __int128 addresses and a family) and tcpconnect (a union per
// family) use, so a decode test can check addresses the kernel itself wrote.
// Built by the test with: clang -target bpf -g -O2 -c (vmlinux.h, libbpf headers).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define AF_INET 2
#define AF_INET6 10

struct event {
	unsigned __int128 saddr;
	unsigned __int128 daddr;
	union {
		__u32 daddr_v4;
		__u8 daddr_v6[16];
	};
	__u64 skaddr;
	__u32 pid;
	int newstate;
	__u16 family;
	__u16 sport;
	__u16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

// A global keeps struct event in the object's BTF.
struct event *event_type;

SEC("tracepoint/sock/inet_sock_set_state")
int on_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct event e = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	e.family = ctx->family;
	e.sport = ctx->sport;
	e.dport = ctx->dport;
	e.newstate = ctx->newstate;
	e.skaddr = (__u64)ctx->skaddr;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	// Copied as the socket holds them (network order), as tcpstates does.
	if (e.family == AF_INET) {
		bpf_probe_read_kernel(&e.saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(&e.daddr, 4, ctx->daddr);
		bpf_probe_read_kernel(&e.daddr_v4, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(&e.saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(&e.daddr, 16, ctx->daddr_v6);
		bpf_probe_read_kernel(e.daddr_v6, 16, ctx->daddr_v6);
	}
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
