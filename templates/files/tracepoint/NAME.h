/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 256

/* One record per execve(2) call, sent at syscall entry: the path is read
 * from the caller's memory, which a successful exec replaces. nomia decodes
 * it field by field from BTF, so adding a field here is all it takes to see
 * it in `nomia run`. */
struct event {
	pid_t pid;			/* the process calling execve */
	pid_t ppid;			/* its parent */
	uid_t uid;
	char comm[TASK_COMM_LEN];	/* the caller's name, before the exec */
	char filename[MAX_FILENAME_LEN];	/* the program to run */
};

#endif /* {{.Guard}} */
