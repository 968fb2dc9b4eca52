// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* kprobe: a program that loads but whose kprobe cannot attach on kernels
 * without kprobe_events (the test VM), for the server's refusal test. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_nanosleep")
int on_nanosleep(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
