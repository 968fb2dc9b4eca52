/* The event struct shared with user space, as libbpf-tools keeps it in a header. */
#ifndef HEADER_EVENT_H
#define HEADER_EVENT_H
struct open_event {
	unsigned long long ts;
	int pid;
	int flags;
	char fname[64];
};
#endif
