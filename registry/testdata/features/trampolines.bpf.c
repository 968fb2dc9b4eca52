// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// fentry, fexit and LSM programs, one sleepable, into a per-CPU array.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define COUNT_MAP_TYPE BPF_MAP_TYPE_PERCPU_ARRAY
#include "count.h"

SEC("fentry/do_nanosleep")
int BPF_PROG(on_entry) { return count(0); }

SEC("fexit/do_nanosleep")
int BPF_PROG(on_exit) { return count(1); }

SEC("lsm/file_open")
int BPF_PROG(on_open, struct file *file) { return count(2); }

SEC("lsm.s/bprm_check_security")
int BPF_PROG(on_exec, struct linux_binprm *bprm) { return count(3); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
