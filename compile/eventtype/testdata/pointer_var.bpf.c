// Only the pointer variables tell the structs apart: same sizes, no telling names.
// sink: a reserved record, while a lookup result of another 16-byte struct is live.
// blobs: an untyped per-CPU buffer sent with a run-time length.
#include "common.h"

struct key_rec {
	u64 a;
	u64 b;
};

struct payload {
	u32 x;
	u32 y;
	u64 z;
};

struct msg {
	u32 len;
	u32 kind;
	char body[120];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, struct key_rec);
} keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} sink SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 256);
} buffer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} blobs SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int to_sink(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct key_rec *k = bpf_map_lookup_elem(&keys, &pid);
	if (!k)
		return 0;
	struct payload *p = bpf_ringbuf_reserve(&sink, sizeof(*p), 0);
	if (!p)
		return 0;
	p->x = pid;
	p->z = k->a + k->b;
	bpf_ringbuf_submit(p, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_gettid")
int to_blobs(void *ctx)
{
	u32 zero = 0;
	struct msg *m = bpf_map_lookup_elem(&buffer, &zero);
	if (!m)
		return 0;
	m->kind = 1;
	m->len = bpf_get_prandom_u32() & 63;
	bpf_perf_event_output(ctx, &blobs, BPF_F_CURRENT_CPU, m, 8 + (m->len & 63));
	return 0;
}

/* hdrs: a header struct followed by variable data in one reserved record. */
struct hdr {
	u32 len;
	u32 type;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} hdrs SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int to_hdrs(void *ctx)
{
	struct hdr *h = bpf_ringbuf_reserve(&hdrs, sizeof(*h) + 32, 0);
	if (!h)
		return 0;
	h->len = 32;
	h->type = 2;
	bpf_get_current_comm((char *)(h + 1), 16);
	bpf_ringbuf_submit(h, 0);
	return 0;
}
