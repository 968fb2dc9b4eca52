/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 127

/* The record both programs send. One struct for two kinds of event keeps the
 * ring buffer's consumer simple: exit_event says which fields are set. Keep
 * it in this header so that a user-space reader (C, Rust, Go, WASM) can
 * include the very same definition. */
struct event {
	int pid;
	int ppid;
	unsigned int exit_code;		/* exit events: the process's exit status */
	unsigned long long duration_ns;	/* exit events: time since its exec */
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];	/* exec events: the program run */
	bool exit_event;
};

#endif /* {{.Guard}} */
