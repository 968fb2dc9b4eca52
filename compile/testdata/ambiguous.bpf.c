// Two structs of the same size go through one ring buffer and nothing says
// which one the map carries: Build must ask the user to choose.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct open_event {
	__u32 pid;
	__u32 flags;
};

struct close_event {
	__u32 pid;
	__u32 fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_open(void *ctx)
{
	struct open_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = 1;
	e->flags = 2;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_close(void *ctx)
{
	struct close_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = 1;
	e->fd = 3;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
