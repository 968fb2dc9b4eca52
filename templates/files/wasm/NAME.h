/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 128

/* The record the kernel sends. `nomia build --wasm` generates the Go struct
 * Event with the same layout (in {{.Name}}_bpf.go), so a field added here is
 * a field of Event after the next build. */
struct event {
	pid_t pid;
	pid_t ppid;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];
};

#endif /* {{.Guard}} */
