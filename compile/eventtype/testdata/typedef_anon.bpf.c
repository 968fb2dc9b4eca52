// The event is a typedef'd anonymous struct, so its only C spelling is the typedef.
#include "common.h"

typedef struct {
	u64 ts;
	u32 cpu;
	u32 pad;
} tick_t;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ticks SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_nanosleep")
int on_tick(void *ctx)
{
	tick_t *t = bpf_ringbuf_reserve(&ticks, sizeof(tick_t), 0);
	if (!t)
		return 0;
	t->ts = bpf_ktime_get_ns();
	t->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(t, 0);
	return 0;
}
