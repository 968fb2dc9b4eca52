// Globals of several types, copied to .bss outputs each time the socket
// filter runs, so a test can set them, load, run once and read them back.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum mode { MODE_A = 0, MODE_B = 1, MODE_C = 5 };

struct cfg {
	__u32 a, b;
};

/// only this process
const volatile pid_t targ_pid = 0;
const volatile __u64 min_ns = 1000;
const volatile bool verbose = false;
const volatile enum mode mode = MODE_B;
const volatile char comm[16] = "init";
const volatile float ratio = 0.5f;
const volatile __u32 ports[4] = {80, 443};
const volatile __s8 small = -3;
const volatile struct cfg cfg = {1, 2};
__u32 start = 7;

pid_t out_pid;
__u64 out_min_ns;
bool out_verbose;
enum mode out_mode;
char out_comm[16];
__u32 out_ratio_bits;
__u32 out_ports[4];
__s8 out_small;
__u32 out_start;

SEC("socket")
int copy_globals(struct __sk_buff *skb)
{
	out_pid = targ_pid;
	out_min_ns = min_ns;
	out_verbose = verbose;
	out_mode = mode;
	for (int i = 0; i < 16; i++)
		out_comm[i] = comm[i];
	// The float's bits, unchanged: BPF has no floating-point instructions.
	out_ratio_bits = *(const volatile __u32 *)&ratio;
	for (int i = 0; i < 4; i++)
		out_ports[i] = ports[i];
	out_small = small;
	out_start = start + cfg.a - 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
