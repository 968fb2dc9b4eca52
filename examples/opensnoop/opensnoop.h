/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define TASK_COMM_LEN 16
#define NAME_MAX 256

/* One record per completed openat(2). nomia finds this type on its own:
 * it is the struct the program reserves in the "events" ring buffer. */
struct event {
	pid_t pid;		/* process (tgid) that called openat */
	uid_t uid;		/* its real user id */
	int ret;		/* file descriptor, or -errno on failure */
	int flags;		/* open flags as passed (O_RDONLY, O_CREAT, ...) */
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX];	/* path as passed, possibly relative */
};

#endif /* OPENSNOOP_H */
