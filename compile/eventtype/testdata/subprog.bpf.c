// Emission in out-of-line code: a BPF-to-BPF subprogram that receives the caller's
// stack struct, and a bpf_loop callback that reserves records.
#include "common.h"

struct net_event {
	u32 ifindex;
	u32 len;
	u64 ts;
	u8 proto;
};

struct loop_event {
	u64 iteration;
	u64 ts;
	u32 cpu;
	u32 flags;
	u64 more;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} loops SEC(".maps");

static __attribute__((noinline)) int send_net(void *ctx, struct net_event *e)
{
	return bpf_perf_event_output(ctx, &nets, BPF_F_CURRENT_CPU, e, sizeof(*e));
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int on_sendto(void *ctx)
{
	struct net_event e = {};

	e.ifindex = 1;
	e.ts = bpf_ktime_get_ns();
	send_net(ctx, &e);
	return 0;
}

static long loop_once(u32 i, void *data)
{
	struct loop_event *l = bpf_ringbuf_reserve(&loops, sizeof(*l), 0);
	if (!l)
		return 1;
	l->iteration = i;
	l->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(l, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int on_recvfrom(void *ctx)
{
	bpf_loop(4, loop_once, NULL, 0);
	return 0;
}
