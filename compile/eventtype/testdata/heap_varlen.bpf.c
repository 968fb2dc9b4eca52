// execsnoop's shape: the event lives in a hash map value and goes out with a length
// computed at run time, so neither the size nor the stack says which struct it is.
#include "common.h"

#define ARGSIZE 128

struct event {
	u32 pid;
	u32 args_count;
	u32 args_size;
	char comm[16];
	char args[ARGSIZE * 4];
};

static const struct event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int enter_execve(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *event;

	if (bpf_map_update_elem(&execs, &pid, &empty_event, BPF_NOEXIST))
		return 0;
	event = bpf_map_lookup_elem(&execs, &pid);
	if (!event)
		return 0;
	event->pid = pid;
	event->args_size = bpf_ktime_get_ns() & 255;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exit_execve(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *event = bpf_map_lookup_elem(&execs, &pid);
	if (!event)
		return 0;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	size_t len = (sizeof(*event) - ARGSIZE * 4) + (event->args_size & (ARGSIZE * 4 - 1));
	if (len <= sizeof(*event))
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, event, len);
	bpf_map_delete_elem(&execs, &pid);
	return 0;
}
