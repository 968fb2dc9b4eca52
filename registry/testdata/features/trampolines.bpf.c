// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// fentry, fexit and LSM programs, one sleepable, into a per-CPU array.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} hits SEC(".maps");

static int hit(u32 key)
{
	u64 *n = bpf_map_lookup_elem(&hits, &key);

	if (n)
		(*n)++;
	return 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(on_entry) { return hit(0); }

SEC("fexit/do_nanosleep")
int BPF_PROG(on_exit) { return hit(1); }

SEC("lsm/file_open")
int BPF_PROG(on_open, struct file *file) { return hit(2); }

SEC("lsm.s/bprm_check_security")
int BPF_PROG(on_exec, struct linux_binprm *bprm) { return hit(3); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
