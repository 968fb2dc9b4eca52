// Does not compile: the error must name this file.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int handle(void *ctx)
{
	return undeclared_variable;
}

char LICENSE[] SEC("license") = "GPL";
