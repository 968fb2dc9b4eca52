// Globals of many types, with and without doc comments, and a program that
// loads on any kernel with tracepoints.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "globals.h"

/// Process ID to trace; 0 traces all.
const volatile pid_t target_pid = 0;

/**
 * Minimum latency in microseconds
 * before an event is reported.
 */
const volatile unsigned long long min_us = 10000;

/// Trace only failed calls.
const volatile bool failed_only = true;

/// Command name filter.
const volatile char comm[16] = "bash";

// A plain comment is not a doc comment.
const volatile int negative = -42;

enum mode { MODE_OFF, MODE_ON = 5 };
/// Operating mode.
const volatile enum mode mode = MODE_ON;

/// A constant in its own section.
const volatile short shorty SEC(".rodata.extra") = -7;

/// Events seen, in .data.
volatile __u64 counter = 7;

/// Hits so far, in .bss.
__u32 hits;

/// Hidden from users, as eunomia-bpf hides it.
const volatile int __eunomia_dummy_hidden = 1;

/// The handler's doc is not a global's.
SEC("tracepoint/syscalls/sys_enter_getpid")
int handle_getpid(void *ctx)
{
	/// A local's doc comment is not a global's either.
	int min_us = 3;

	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	hits += min_us + header_limit + mode + shorty;
	counter++;
	return 0;
}

/// @brief Count getpid calls.
/// @details A test program for nomia build:
/// globals of many types.
/// @version 1.2.3
char LICENSE[] SEC("license") = "Dual BSD/GPL";
