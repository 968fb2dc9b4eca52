// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Every kind of probe: kernel and user, single and multi, into an LRU hash.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u32);
} seen SEC(".maps");

static int mark(u32 key)
{
	u32 one = 1;

	bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
	return 0;
}

SEC("kprobe/do_nanosleep")
int on_kprobe(void *ctx) { return mark(1); }

SEC("kretprobe/do_nanosleep")
int on_kretprobe(void *ctx) { return mark(2); }

SEC("kprobe.multi/do_nano*")
int on_kprobe_multi(void *ctx) { return mark(3); }

SEC("uprobe//bin/true:main")
int on_uprobe(void *ctx) { return mark(4); }

SEC("uprobe.multi//bin/true:main")
int on_uprobe_multi(void *ctx) { return mark(5); }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
