/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef {{.Guard}}
#define {{.Guard}}

#define TASK_COMM_LEN 16
#define MAX_SLOTS 27	/* 2^26 us is over a minute: slower calls share the last slot */

/* Histograms are kept per process name. */
struct hist_key {
	char comm[TASK_COMM_LEN];
};

/* slots[i] counts calls that took [2^i, 2^(i+1)) units (slot 0 also holds
 * 0). nomia recognises a value with a `slots` array and draws it as BCC's
 * print_log2_hist does, with the rest of the key as its heading. */
struct hist {
	__u32 slots[MAX_SLOTS];
};

#endif /* {{.Guard}} */
