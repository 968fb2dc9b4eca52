// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Every kind of probe: kernel and user, single and multi, into an LRU hash.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COUNT_MAP_TYPE BPF_MAP_TYPE_LRU_HASH
#include "count.h"

SEC("kprobe/do_nanosleep")
int on_kprobe(void *ctx) { return count(1); }

SEC("kretprobe/do_nanosleep")
int on_kretprobe(void *ctx) { return count(2); }

SEC("kprobe.multi/do_nano*")
int on_kprobe_multi(void *ctx) { return count(3); }

SEC("uprobe//bin/true:main")
int on_uprobe(void *ctx) { return count(4); }

SEC("uprobe.multi//bin/true:main")
int on_uprobe_multi(void *ctx) { return count(5); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
