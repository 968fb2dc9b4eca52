// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// A __kconfig extern the loader fills itself (LINUX_KERNEL_VERSION): global
// data, but no need for the kernel's config file.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern u32 LINUX_KERNEL_VERSION __kconfig;

#define COUNT_MAP_TYPE BPF_MAP_TYPE_ARRAY
#include "count.h"

SEC("raw_tp/sys_enter")
int on_enter(void *ctx) { return count(LINUX_KERNEL_VERSION & 7); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
