// Two same-sized structs both reach one map through reserved records, so nothing in
// the object says which one the map carries.
#include "common.h"

struct alpha {
	u64 x;
	u64 y;
};

struct beta {
	u32 a, b, c, d;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} out SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit_both(void *ctx)
{
	if (bpf_ktime_get_ns() & 1) {
		struct alpha *a = bpf_ringbuf_reserve(&out, sizeof(*a), 0);
		if (!a)
			return 0;
		a->x = 1;
		bpf_ringbuf_submit(a, 0);
	} else {
		struct beta *b = bpf_ringbuf_reserve(&out, sizeof(*b), 0);
		if (!b)
			return 0;
		b->a = 2;
		bpf_ringbuf_submit(b, 0);
	}
	return 0;
}

/* A second map in the same object is decided on its own. */
struct clean_event {
	u64 ts;
	u32 pid;
	u32 cpu;
	u64 extra;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} clean SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getuid")
int emit_clean(void *ctx)
{
	struct clean_event *c = bpf_ringbuf_reserve(&clean, sizeof(*c), 0);
	if (!c)
		return 0;
	c->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(c, 0);
	return 0;
}
