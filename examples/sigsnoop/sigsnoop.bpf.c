// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sigsnoop: trace signals as the kernel generates them.
 *
 *   nomia run examples/sigsnoop/sigsnoop.bpf.c --sig 15
 *
 * signal/signal_generate fires in the sender's context, so the current task
 * is the sender and the tracepoint record describes the target. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sigsnoop.h"

/// Trace only signals sent to this process id (0 = every target)
const volatile pid_t target_pid = 0;
/// Trace only this signal number (0 = every signal)
const volatile int sig = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* Default dispositions from signal(7); real-time signals terminate. */
static __always_inline enum sig_class classify(int signo)
{
	switch (signo) {
	case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24:
	case 25: case 31:	/* QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS */
		return SIGCLASS_CORE;
	case 19: case 20: case 21: case 22:	/* STOP TSTP TTIN TTOU */
		return SIGCLASS_STOP;
	case 18:				/* CONT */
		return SIGCLASS_CONTINUE;
	case 17: case 23: case 28:		/* CHLD URG WINCH */
		return SIGCLASS_IGNORE;
	default:
		return SIGCLASS_TERMINATE;
	}
}

SEC("tracepoint/signal/signal_generate")
int handle_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	struct event *e;
	int signo = ctx->sig;

	if (sig && sig != signo)
		return 0;
	if (target_pid && target_pid != ctx->pid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->sender.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->sender.comm, sizeof(e->sender.comm));
	e->target.pid = ctx->pid;
	/* The verifier refuses a memcpy from a ctx pointer plus offset. */
	bpf_probe_read_kernel(e->target.comm, sizeof(e->target.comm), ctx->comm);
	e->kind = classify(signo);
	e->sig = signo;
	e->codes[0] = ctx->code;
	e->codes[1] = ctx->result;
	e->fatal = e->kind == SIGCLASS_TERMINATE || e->kind == SIGCLASS_CORE;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Trace signals: sender, target, signal and its default action.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
