// bpf_perf_event_output from a struct on the stack.
#include "common.h"

struct signal_event {
	u32 pid;
	u32 tpid;
	int sig;
	int ret;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

SEC("tracepoint/signal/signal_generate")
int sig_trace(void *ctx)
{
	struct signal_event event = {};

	event.pid = bpf_get_current_pid_tgid() >> 32;
	event.sig = 9;
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &event, sizeof(event));
	return 0;
}
