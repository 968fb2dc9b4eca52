// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: the kernel half of a WebAssembly eBPF program. It reports every
 * exec through a ring buffer; main.go, compiled to WebAssembly, loads this
 * object through the wasm_bpf host interface and prints the events.
 *
 *   make -C {{.Name}}                 # nomia build + GOOS=wasip1 go build
 *   nomia run {{.Name}}/{{.Name}}.wasm */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "{{.Name}}.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int trace_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned int fname_off = ctx->__data_loc_filename & 0xFFFF;
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* __data_loc: the low 16 bits are the string's offset in the record. */
	bpf_probe_read_str(e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
