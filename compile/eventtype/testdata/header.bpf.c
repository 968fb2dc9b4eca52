// The event struct comes from a header; the record is reserved with a constant size.
#include "common.h"
#include "header_event.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct open_event *ev = bpf_ringbuf_reserve(&opens, sizeof(struct open_event), 0);
	if (!ev)
		return 0;
	ev->ts = bpf_ktime_get_ns();
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->flags = (int)ctx->args[2];
	bpf_probe_read_user_str(ev->fname, sizeof(ev->fname), (const char *)ctx->args[1]);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
