// A tracepoint program that writes one record per getpid() into a ring buffer, so a
// decode test can read records the kernel itself produced. Built by the test with:
// clang -target bpf -g -O2 -c (needs libbpf's bpf_helpers.h).
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 tgid;
	__u32 pid;
	__u64 ts;
	char comm[16];
	_Bool odd_pid;
	int neg;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

// A global keeps struct event in the object's BTF (clang drops types only locals use).
struct event *event_type;

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	struct event e = {};
	__u64 id = bpf_get_current_pid_tgid();

	e.tgid = id >> 32;
	e.pid = (__u32)id;
	e.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	e.odd_pid = e.pid & 1;
	e.neg = -(int)e.pid;
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
