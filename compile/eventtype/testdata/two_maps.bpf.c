// Two event maps, each carrying its own struct, written by two programs.
#include "common.h"

struct conn_event {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
};

struct close_event {
	u64 bytes;
	u64 duration_ns;
	u32 pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} connects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} closes SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int on_connect(void *ctx)
{
	struct conn_event *c = bpf_ringbuf_reserve(&connects, sizeof(*c), 0);
	if (!c)
		return 0;
	c->saddr = 1;
	c->daddr = 2;
	c->sport = 3;
	c->dport = 4;
	bpf_ringbuf_submit(c, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_close")
int on_close(void *ctx)
{
	struct close_event e = {};

	e.bytes = 10;
	e.duration_ns = bpf_ktime_get_ns();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_perf_event_output(ctx, &closes, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}
