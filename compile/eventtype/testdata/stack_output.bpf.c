// bpf_ringbuf_output from a struct on the stack; a second struct of the same size
// lives on the stack too, so only the stack offset tells them apart.
#include "common.h"

struct sample_rec {
	u64 a;
	u64 b;
	u32 c;
};

struct scratch {
	u64 x;
	u64 y;
	u32 z;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	struct scratch s = {};
	struct sample_rec smp = {};
	u32 key = 0;

	s.x = bpf_ktime_get_ns();
	bpf_map_update_elem(&scratch_map, &key, &s, 0);
	smp.a = bpf_get_current_pid_tgid();
	smp.b = s.x;
	smp.c = 7;
	bpf_ringbuf_output(&records, &smp, sizeof(smp), 0);
	return 0;
}
