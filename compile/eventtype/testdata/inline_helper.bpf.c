// The emission happens inside a static __always_inline helper, as libbpf-tools'
// compat.bpf.h does: the program's own frame has no variable of the struct's type.
#include "common.h"

struct exit_event {
	u64 duration_ns;
	int pid;
	int exit_code;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} exits SEC(".maps");

static __always_inline void emit_exit(void *ctx, int code)
{
	struct exit_event ev = {};

	ev.duration_ns = bpf_ktime_get_ns();
	ev.pid = bpf_get_current_pid_tgid() >> 32;
	ev.exit_code = code;
	bpf_perf_event_output(ctx, &exits, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
}

SEC("tracepoint/sched/sched_process_exit")
int on_exit(void *ctx)
{
	emit_exit(ctx, 3);
	return 0;
}
