// A BPF object for the WASM host's tests: prctl(MAGIC, seq) from the process
// whose tgid the guest stored in filter[0] sends a large event to a ring
// buffer, a small one to a perf buffer, and records counts[seq] = 3 * seq.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAGIC 0x4e4f4d49 /* "NOMI" */
#ifndef TAIL
#define TAIL 8192 /* larger than wasm-bpf's 4 KiB event buffer */
#endif

/* The first byte of each event's tail: a guest may patch it in the ELF's
 * .rodata before loading, as wasm-bpf guests set their globals. */
const volatile __u8 mark = 0xab;

struct event {
	__u32 pid;
	__u32 seq;
	char comm[16];
	__u8 tail[TAIL];
};

struct small {
	__u32 pid;
	__u32 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} small SEC(".maps");

struct prctl_args {
	__u64 common;
	__u64 nr;
	__u64 option;
	__u64 arg2;
};

SEC("tracepoint/syscalls/sys_enter_prctl")
int on_prctl(struct prctl_args *ctx)
{
	__u32 zero = 0;
	__u32 *want = bpf_map_lookup_elem(&filter, &zero);
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (!want || *want != pid || ctx->option != MAGIC)
		return 0;
	__u32 seq = ctx->arg2;
	__u64 value = 3ull * seq;
	bpf_map_update_elem(&counts, &seq, &value, BPF_ANY);

	struct small s = {.pid = pid, .seq = seq};
	bpf_perf_event_output(ctx, &small, BPF_F_CURRENT_CPU, &s, sizeof(s));

	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->seq = seq;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->tail[0] = mark;
	e->tail[TAIL - 1] = (__u8)seq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Attached only by the attach-target test, to an interface the guest names. */
SEC("xdp")
int on_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
