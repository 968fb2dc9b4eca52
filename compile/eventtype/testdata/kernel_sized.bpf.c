// The record's address is a join of two untyped buffers, so only its size speaks,
// and a kernel struct of that size (the tracepoint context) is in scope too.
#include "common.h"

struct rec64 {
	u64 words[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 256);
} small_buf SEC(".maps"), big_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} out64 SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	u32 zero = 0;
	struct rec64 *r;

	if (ctx->args[2] > 100)
		r = bpf_map_lookup_elem(&big_buf, &zero);
	else
		r = bpf_map_lookup_elem(&small_buf, &zero);
	if (!r)
		return 0;
	r->words[0] = ctx->args[2];
	bpf_perf_event_output(ctx, &out64, BPF_F_CURRENT_CPU, r, sizeof(*r));
	return 0;
}
