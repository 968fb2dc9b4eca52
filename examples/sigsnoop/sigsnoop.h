/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

#define TASK_COMM_LEN 16

/* What a signal does to its target when the target has no handler. */
enum sig_class {
	SIGCLASS_TERMINATE,
	SIGCLASS_CORE,		/* terminate and dump core */
	SIGCLASS_STOP,
	SIGCLASS_CONTINUE,
	SIGCLASS_IGNORE,
};

/* One side of a signal. Both sides share a type, so the decoder prints them
 * as two objects with the same keys. */
struct proc {
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

struct event {
	struct proc sender;	/* the task whose call generated the signal */
	struct proc target;
	enum sig_class kind;	/* default action of sig */
	int sig;
	__u32 codes[2];		/* si_code, then the kernel's delivery result */
	bool fatal;		/* default action ends the target */
};

#endif /* SIGSNOOP_H */
