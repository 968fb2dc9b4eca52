// The BPF side of the SDK tests' guests: prctl(MAGIC, seq) from the process
// whose tgid the guest set in targ_pid sends an event with a padded layout to
// a ring buffer, a small one to a perf buffer, and records
// counts[seq] = seq * multiplier.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAGIC 0x4e4f4d53 /* "NOMS" */

/* The process to trace: the guest sets it before load (.rodata). */
const volatile __u32 targ_pid = 0;
/* Scales counts and event values; the guest sets it before load (.data). */
__u64 multiplier = 1;
/* Added to each event's flag; in a section of its own (.data.extra). */
__u8 flag_offset SEC(".data.extra") = 0;

struct event {
	__u32 pid;
	__u16 seq;
	__u8 flag;
	char comm[16];
	/* one byte of padding */
	__u64 value;
	__s32 neg;
	/* four bytes of tail padding */
};

struct small {
	__u32 seq;
	__s16 half;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} smalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct prctl_args {
	__u64 common;
	__u64 nr;
	__u64 option;
	__u64 arg2;
};

SEC("tracepoint/syscalls/sys_enter_prctl")
int on_prctl(struct prctl_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (pid != targ_pid || ctx->option != MAGIC)
		return 0;
	__u32 seq = ctx->arg2;
	__u64 value = seq * multiplier;
	bpf_map_update_elem(&counts, &seq, &value, BPF_ANY);

	struct small sm = {.seq = seq, .half = -(__s16)(seq * 100)};
	bpf_perf_event_output(ctx, &smalls, BPF_F_CURRENT_CPU, &sm, sizeof(sm));

	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->seq = seq;
	e->flag = seq % 2 + flag_offset;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->value = value;
	e->neg = -(__s32)seq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
