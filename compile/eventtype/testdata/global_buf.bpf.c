// The record is a global variable; another global struct has the same size, so
// only the variable at the sent address decides.
#include "common.h"

struct gsample {
	u64 a;
	u64 b;
	u32 c;
};

struct gscratch {
	u32 words[6];
};

struct gscratch scratch_g;
struct gsample sample_g;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} gout SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int send_global(void *ctx)
{
	scratch_g.words[0]++;
	sample_g.a = bpf_ktime_get_ns();
	sample_g.c = scratch_g.words[0];
	bpf_ringbuf_output(&gout, &sample_g, sizeof(sample_g), 0);
	return 0;
}
