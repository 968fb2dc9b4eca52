// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: the kernel half of a WebAssembly eBPF program. It reports every
 * exec through a ring buffer; main.go, compiled to WebAssembly, sets the
 * filter below, loads and attaches this object and prints the events.
 *
 *   nomia build --wasm {{.Name}}
 *   nomia run {{.Name}}/{{.Name}}.wasm -- -ppid $$ */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "{{.Name}}.h"

/// Report only programs started by this parent process (0 = every parent).
/// main.go sets it from its -ppid flag before loading: const volatile puts it
/// in .rodata, so the verifier sees a constant and drops the test when 0.
const volatile pid_t targ_ppid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int trace_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned int fname_off = ctx->__data_loc_filename & 0xFFFF;
	pid_t ppid = BPF_CORE_READ(task, real_parent, tgid);
	struct event *e;

	/* Filter before reserving: rejected execs cost no buffer space. */
	if (targ_ppid && targ_ppid != ppid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = ppid;
	/* The exec has happened: comm is already the new program's name. */
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* __data_loc: the low 16 bits are the string's offset in the record. */
	bpf_probe_read_str(e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
