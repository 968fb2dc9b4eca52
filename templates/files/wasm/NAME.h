/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 64

/* The record the kernel sends and main.go reads. The Go side decodes it by
 * offset (see decodeEvent): change both together. All fields are 4-byte
 * aligned char arrays or ints, so there is no padding to account for. */
struct event {
	int pid;
	int ppid;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];
};

#endif /* {{.Guard}} */
