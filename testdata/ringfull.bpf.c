// ringfull.bpf.c: a ring nobody reads fills up after a few records; the program
// counts its own failed reserves so a test can check what nomia reports.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
	__u8 pad[496];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

const volatile __u32 target_tid = 0;
__u64 failed = 0;

SEC("raw_tp/sys_enter")
int on_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct event *e;

	if ((__u32)bpf_get_current_pid_tgid() != target_tid || ctx->args[1] != 110 /* getppid */)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		failed++;
		return 0;
	}
	e->seq = failed;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
