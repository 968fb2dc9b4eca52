// A weak map, as libbpf's usdt.bpf.h defines them: cilium/ebpf refuses relocations
// against weak symbols, which inference works around.
#include "common.h"

struct weak_event {
	u32 pid;
	u32 uid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} weak_events SEC(".maps") __weak;

SEC("tracepoint/syscalls/sys_enter_getuid")
int on_getuid(void *ctx)
{
	struct weak_event *w = bpf_ringbuf_reserve(&weak_events, sizeof(*w), 0);
	if (!w)
		return 0;
	w->pid = bpf_get_current_pid_tgid() >> 32;
	w->uid = bpf_get_current_uid_gid();
	bpf_ringbuf_submit(w, 0);
	return 0;
}
