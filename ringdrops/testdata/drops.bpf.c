// drops.bpf.c: writes records into rings nobody reads until they are full, so
// that some writes fail. Every getppid of the test thread tries one reserve into
// `reserved` and three outputs into `output`, in a loop kept rolled so that a
// backward jump crosses the instrumented call; `tries` counts the events.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	__u64 seq;
	__u8 pad[496]; /* 512 bytes with the 8-byte ring header: 7 fit in a page */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} reserved SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} output SEC(".maps");

const volatile __u32 target_tid = 0;
__u64 tries = 0;
__u64 submitted = 0;

static __always_inline int is_target(void)
{
	return (__u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("raw_tp/sys_enter")
int on_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct record *r, local = {};
	long id = ctx->args[1];

	if (!is_target() || id != 110 /* getppid on x86_64 */)
		return 0;
	tries++;
	local.seq = tries;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 3; i++)
		bpf_ringbuf_output(&output, &local, sizeof(local), 0);
	r = bpf_ringbuf_reserve(&reserved, sizeof(*r), 0);
	if (!r)
		return 0;
	r->seq = tries;
	bpf_ringbuf_submit(r, 0);
	submitted++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
