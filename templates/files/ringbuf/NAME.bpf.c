// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* {{.Name}}: process lifecycles through a ring buffer, from two stable
 * scheduler tracepoints (no kprobes, so it works where kprobes are off).
 *
 *   nomia build {{.Name}}/{{.Name}}.bpf.c
 *   nomia run {{.Name}}/package.json --min_duration_ms 100
 *
 * sched_process_exec records when a program starts; sched_process_exit looks
 * that time up to report how long the process lived and how it ended. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "{{.Name}}.h"

/// Report only processes that lived at least this long, and no execs (0 = all)
const volatile unsigned long long min_duration_ms = 0;

/* Exec time of each live process, by pid: the state that links an exit to
 * its exec. Entries go at exit; the LRU bound caps what never exits. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, pid_t);
	__type(value, u64);
} exec_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

SEC("tp/sched/sched_process_exec")
int proc_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	unsigned int fname_off;
	struct event *e;
	u64 ts;

	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&exec_start, &pid, &ts, BPF_ANY);

	/* With a minimum duration only exits are of interest. */
	if (min_duration_ms)
		return 0;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	e->exit_event = false;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = 0;
	e->duration_ns = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	/* The filename is a variable-length field of the tracepoint record: its
	 * offset from ctx is the low 16 bits of __data_loc_filename. */
	fname_off = ctx->__data_loc_filename & 0xFFFF;
	bpf_probe_read_str(&e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int proc_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u64 id = bpf_get_current_pid_tgid(), *start, duration_ns = 0;
	pid_t pid = id >> 32;
	struct event *e;

	/* Threads exit too; report the process once, when its leader goes. */
	if (pid != (u32)id)
		return 0;

	start = bpf_map_lookup_elem(&exec_start, &pid);
	if (start)
		duration_ns = bpf_ktime_get_ns() - *start;
	else if (min_duration_ms)
		return 0;
	bpf_map_delete_elem(&exec_start, &pid);
	if (min_duration_ms && duration_ns < min_duration_ms * 1000000)
		return 0;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return 0;
	e->exit_event = true;
	e->duration_ns = duration_ns;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	/* exit_code holds (status << 8) | signal, as wait(2) reports it. */
	e->exit_code = (BPF_CORE_READ(task, exit_code) >> 8) & 0xff;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->filename[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/// @brief Process execs and exits, with lifetimes and exit codes.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
