// kconfig.bpf.c: a kconfig extern declared through a typedef, as libbpf-tools do.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern __u32 LINUX_KERNEL_VERSION __kconfig;

__u32 seen_version;

SEC("xdp")
int kversion(struct xdp_md *ctx)
{
	seen_version = LINUX_KERNEL_VERSION;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
