// A tiny socket filter for bpftest's own tests: VALUE is set with -D.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#ifndef VALUE
#define VALUE 1
#endif

const volatile __u32 value = VALUE;

SEC("socket")
int prog_name(void *ctx)
{
	return value;
}

char LICENSE[] SEC("license") = "GPL";
