/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define TASK_COMM_LEN 16
#define ARGSIZE 128		/* longest single argument kept */
#define TOTAL_MAX_ARGS 60	/* most arguments kept */
#define FULL_MAX_ARGS_ARR (TOTAL_MAX_ARGS * ARGSIZE)
#define LAST_ARG (FULL_MAX_ARGS_ARR - ARGSIZE)

/* One record per execve(2). Records are variable-length: only the used part
 * of args (through its NUL) is sent, so a short command line costs tens of
 * bytes instead of 7.7 KB of perf-buffer space. */
struct event {
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	int retval;		/* 0, or -errno when the exec failed */
	int args_count;		/* arguments captured, including the path */
	unsigned int args_size;	/* bytes of args used, including the NUL */
	char comm[TASK_COMM_LEN];	/* the new program's name on success */
	char args[FULL_MAX_ARGS_ARR];	/* path and argv[1..], space-separated */
};

#endif /* EXECSNOOP_H */
