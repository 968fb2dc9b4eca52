// Compiles only against testdata/myinclude/vmlinux.h.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#ifndef NOMIA_USER_VMLINUX
#error "the generated vmlinux.h was used instead of the user's"
#endif

SEC("tracepoint/syscalls/sys_enter_getpid")
int handle(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
