// A trampoline program, which the test kernel refuses to load (EPERM).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry/do_unlinkat")
int BPF_PROG(on_unlink)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
