// A wasm-bpf guest for the host's tests, in the shape of wasm-bpf's C
// examples: the host calls are declared here (the guest SDK header comes
// later). Built with -DWRAPPER it polls through the callback-wrapper variant.
//
//	guest events PID N [OFF]  load, attach, receive N events, exercise the
//	                    maps; with OFF, first patch the global mark at that
//	                    offset of the ELF to 0xcd
//	guest oob           out-of-bounds pointers and huge sizes
//	guest fd            descriptors and handles the guest does not own
//	guest trap PID      attach, then trap inside the record callback
//	guest exit PID      attach, then exit(7) inside the record callback
//	guest loop          attach, then loop forever
//	guest block         attach, then poll with a timeout of 24 days
//	guest sleep         attach, then sleep for a day
//	guest oom           attach, then grow memory until it fails, then trap
//	guest calls N       time N map lookups through the host (prints ns)
//	guest names N       time N wasm_bpf_map_fd_by_name calls (prints ns)
//	guest drain PID     attach, then receive batches of records (see drain)
//	guest trunc PID     receive one 8 KiB event through a 64-byte buffer
//	guest hold          load, print a map fd, wait for stdin to close
//	guest use FD        look a key up in map fd FD (which it did not open)
//	guest exit-1        return -1 from main
//	guest xdp           attach on_xdp to lo, then to an interface that is missing
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "obj.h" /* generated: bpf_obj, bpf_obj_len */

#define IMPORT(name) __attribute__((import_module("wasm_bpf"), import_name(name)))
IMPORT("wasm_load_bpf_object") uint64_t wasm_load_bpf_object(const void *obj, int size);
IMPORT("wasm_attach_bpf_program") int wasm_attach_bpf_program(uint64_t obj, const char *name, const char *target);
IMPORT("wasm_bpf_buffer_poll") int wasm_bpf_buffer_poll(uint64_t obj, int fd, int32_t sample_func, uint32_t ctx, char *data, int max_size, int timeout_ms);
IMPORT("wasm_bpf_map_fd_by_name") int wasm_bpf_map_fd_by_name(uint64_t obj, const char *name);
IMPORT("wasm_bpf_map_operate") int wasm_bpf_map_operate(int fd, int cmd, void *key, void *value, void *next_key, uint64_t flags);
IMPORT("wasm_close_bpf_object") int wasm_close_bpf_object(uint64_t obj);
__attribute__((import_module("callback-wrapper"), import_name("wasm_bpf_buffer_poll")))
int wasm_bpf_buffer_poll_wrapper(uint64_t obj, int fd, uint32_t ctx, char *data, int max_size, int timeout_ms);

enum { LOOKUP = 1, UPDATE = 2, DELETE = 3, NEXT_KEY = 4 };
#ifndef TAIL
#define TAIL 8192
#endif
struct event {
	uint32_t pid, seq;
	char comm[16];
	uint8_t tail[TAIL];
};
struct small {
	uint32_t pid, seq;
};

struct totals {
	uint32_t pid;
	int events, bad, small;
	uint32_t seqsum, smallsum;
	char comm[16];
	int mode; /* 0 events, 1 small, 2 trap, 3 count, 4 size, 5 exit */
	uint32_t size;
};

static char data[16384];
static uint8_t mark = 0xab; /* the tail[0] the events should carry */

static int on_record(void *ctx, void *rec, size_t size)
{
	struct totals *t = ctx;
	if (t->mode == 2)
		__builtin_trap();
	if (t->mode == 5)
		exit(7);
	if (t->mode == 3) {
		t->events++;
		return 0;
	}
	if (t->mode == 4) {
		t->events++;
		t->size = size;
		return 0;
	}
	if (t->mode == 1) {
		struct small *s = rec;
		if (size < sizeof(*s) || s->pid != t->pid) /* perf pads records to 8 bytes after its 4-byte size */
			t->bad++;
		t->small++;
		t->smallsum += s->seq;
		return 0;
	}
	struct event *e = rec;
	if (size != sizeof(*e) || e->pid != t->pid || e->tail[0] != mark || e->tail[TAIL - 1] != (uint8_t)e->seq)
		t->bad++;
	t->events++;
	t->seqsum += e->seq;
	memcpy(t->comm, e->comm, sizeof(t->comm));
	return 0;
}

#ifdef WRAPPER
__attribute__((export_name("go-callback"))) int go_callback(uint32_t ctx, uint32_t rec, uint32_t size)
{
	return on_record((void *)ctx, (void *)rec, size);
}
static int poll(uint64_t obj, int fd, struct totals *t, int timeout)
{
	return wasm_bpf_buffer_poll_wrapper(obj, fd, (uint32_t)t, data, sizeof(data), timeout);
}
#else
static int poll(uint64_t obj, int fd, struct totals *t, int timeout)
{
	return wasm_bpf_buffer_poll(obj, fd, (int32_t)on_record, (uint32_t)t, data, sizeof(data), timeout);
}
#endif

/* load_attached loads the object, stores pid in config and attaches on_prctl. */
static uint64_t load_attached(uint32_t pid)
{
	uint64_t obj = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
	if (!obj) {
		printf("load failed\n");
		exit(10);
	}
	uint32_t zero = 0;
	int err = wasm_bpf_map_operate(wasm_bpf_map_fd_by_name(obj, "filter"), UPDATE, &zero, &pid, NULL, 0);
	if (err) {
		printf("filter update: %d\n", err);
		exit(11);
	}
	if ((err = wasm_attach_bpf_program(obj, "on_prctl", NULL))) {
		printf("attach: %d\n", err);
		exit(12);
	}
	return obj;
}

static int events(uint32_t pid, int n)
{
	uint64_t obj = load_attached(pid);
	int rb = wasm_bpf_map_fd_by_name(obj, "events"), pb = wasm_bpf_map_fd_by_name(obj, "small");
	struct totals t = {.pid = pid};
	/* A perf buffer keeps only what arrives while its reader is open. */
	t.mode = 1;
	if (poll(obj, pb, &t, 0) < 0)
		return 13;
	printf("attached\n");
	fflush(stdout);
	/* Records that never come are a failure, not a reason to hang. */
	for (int idle = 0, r; idle < 10 && (t.mode = 0, t.events < n); idle = r ? 0 : idle + 1)
		if ((r = poll(obj, rb, &t, 1000)) < 0)
			return 14;
	for (int idle = 0, r; idle < 10 && (t.mode = 1, t.small < n); idle = r ? 0 : idle + 1)
		if ((r = poll(obj, pb, &t, 1000)) < 0)
			return 15;
	printf("events %d seqsum %u small %d smallsum %u bad %d comm %s\n", t.events, t.seqsum, t.small, t.smallsum, t.bad, t.comm);

	int counts = wasm_bpf_map_fd_by_name(obj, "counts");
	uint32_t key, next;
	uint64_t value, sum = 0;
	int keys = 0;
	for (uint32_t *k = NULL; wasm_bpf_map_operate(counts, NEXT_KEY, k, NULL, &next, 0) == 0; k = &key) {
		key = next;
		keys++;
		if (wasm_bpf_map_operate(counts, LOOKUP, &key, &value, NULL, 0) == 0)
			sum += value;
	}
	key = 1;
	int del = wasm_bpf_map_operate(counts, DELETE, &key, NULL, NULL, 0);
	int again = wasm_bpf_map_operate(counts, LOOKUP, &key, &value, NULL, 0);
	printf("keys %d sum %llu delete %d lookup-after-delete %d close %d\n", keys, (unsigned long long)sum, del, again,
	       wasm_close_bpf_object(obj));
	return 0;
}

static int oob(void)
{
	uint64_t obj = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
	int fd = wasm_bpf_map_fd_by_name(obj, "counts"), rb = wasm_bpf_map_fd_by_name(obj, "events");
	printf("load-garbage %llu\n", (unsigned long long)wasm_load_bpf_object(data, 4096));
	printf("load-oob %llu\n", (unsigned long long)wasm_load_bpf_object((void *)0xffffff00, 4096));
	printf("load-huge %llu\n", (unsigned long long)wasm_load_bpf_object(bpf_obj, 0x7fffffff));
	printf("attach-name %d\n", wasm_attach_bpf_program(obj, (const char *)0xfffffff0, NULL));
	printf("attach-missing %d\n", wasm_attach_bpf_program(obj, "no_such_prog", NULL));
	printf("fd-name %d\n", wasm_bpf_map_fd_by_name(obj, (const char *)0x7ffffff0));
	printf("fd-skeleton-name %d\n", wasm_bpf_map_fd_by_name(obj, "events_.rodata") > 0);
	uint32_t key = 1;
	printf("lookup-key %d\n", wasm_bpf_map_operate(fd, LOOKUP, (void *)0xfffffffe, data, NULL, 0));
	printf("lookup-value %d\n", wasm_bpf_map_operate(fd, LOOKUP, &key, (void *)0xfffffffc, NULL, 0));
	printf("bad-cmd %d\n", wasm_bpf_map_operate(fd, 0, &key, data, NULL, 0));
	struct totals t = {0};
	printf("poll-data %d\n", wasm_bpf_buffer_poll(obj, rb, (int32_t)on_record, (uint32_t)&t, (char *)0xfffff000, 8192, 0));
	printf("poll-huge %d\n", wasm_bpf_buffer_poll(obj, rb, (int32_t)on_record, (uint32_t)&t, data, 0x7fffffff, 0));
	printf("poll-hash %d\n", wasm_bpf_buffer_poll(obj, fd, (int32_t)on_record, (uint32_t)&t, data, sizeof(data), 0));
	printf("close %d\n", wasm_close_bpf_object(obj));
	return 0;
}

static int fds(void)
{
	uint64_t a = wasm_load_bpf_object(bpf_obj, bpf_obj_len), b = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
	uint32_t key = 0, value = 0;
	struct totals t = {0};
	printf("handles %llu %llu\n", (unsigned long long)a, (unsigned long long)b);
	for (int fd = 0; fd < 3; fd++)
		printf("stdio-fd-%d %d\n", fd, wasm_bpf_map_operate(fd, LOOKUP, &key, &value, NULL, 0));
	printf("unknown-fd %d\n", wasm_bpf_map_operate(1000, LOOKUP, &key, &value, NULL, 0));
	printf("fd-bad-handle %d\n", wasm_bpf_map_fd_by_name(99, "counts"));
	printf("attach-bad-handle %d\n", wasm_attach_bpf_program(0, "on_prctl", NULL));
	printf("poll-other-object %d\n", wasm_bpf_buffer_poll(a, wasm_bpf_map_fd_by_name(b, "events"), (int32_t)on_record, (uint32_t)&t, data, sizeof(data), 0));
	int closed = wasm_bpf_map_fd_by_name(b, "filter");
	printf("close-b %d\n", wasm_close_bpf_object(b));
	printf("closed-fd %d\n", wasm_bpf_map_operate(closed, LOOKUP, &key, &value, NULL, 0));
	printf("close-b-again %d\n", wasm_close_bpf_object(b));
	return 0; /* a is left open: the host must close it */
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* bench times n host calls of one kind: map lookups or map-name lookups. */
static int bench(int lookups, int n)
{
	uint64_t obj = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
	int fd = wasm_bpf_map_fd_by_name(obj, "filter");
	uint32_t key = 0, value;
	long long start = now_ns();
	for (int i = 0; i < n; i++)
		if (lookups ? wasm_bpf_map_operate(fd, LOOKUP, &key, &value, NULL, 0) : wasm_bpf_map_fd_by_name(obj, "filter") < 0)
			return 20;
	printf("ns %lld\n", now_ns() - start);
	return 0;
}

/* drain reads counts K from stdin; for each it polls until K more records
 * arrived and prints "ok". At EOF it prints the records, the polls and the
 * time spent polling. */
static int drain(uint32_t pid)
{
	uint64_t obj = load_attached(pid);
	int rb = wasm_bpf_map_fd_by_name(obj, "events");
	struct totals t = {.pid = pid, .mode = 3};
	printf("attached\n");
	fflush(stdout);
	long long ns = 0;
	int k, polls = 0;
	while (scanf("%d", &k) == 1) {
		long long start = now_ns();
		for (int want = t.events + k, idle = 0, r; t.events < want; polls++, idle = r ? 0 : idle + 1)
			if ((r = poll(obj, rb, &t, 1000)) < 0 || idle == 10)
				return 21; /* failed, or records that never come */
		ns += now_ns() - start;
		printf("ok\n");
		fflush(stdout);
	}
	printf("got %d polls %d ns %lld\n", t.events, polls, ns);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	uint32_t pid = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	if (!strcmp(mode, "events")) {
		if (argc > 4)
			bpf_obj[atoi(argv[4])] = mark = 0xcd;
		return events(pid, argc > 3 ? atoi(argv[3]) : 1);
	}
	if (!strcmp(mode, "oob"))
		return oob();
	if (!strcmp(mode, "fd"))
		return fds();
	if (!strcmp(mode, "trap") || !strcmp(mode, "exit")) {
		uint64_t obj = load_attached(pid);
		struct totals t = {.pid = pid, .mode = strcmp(mode, "trap") ? 5 : 2};
		printf("attached\n");
		fflush(stdout);
		for (;;)
			poll(obj, wasm_bpf_map_fd_by_name(obj, "events"), &t, 1000);
	}
	if (!strcmp(mode, "block")) {
		uint64_t obj = load_attached(pid);
		struct totals t = {.pid = pid};
		printf("attached\n");
		fflush(stdout);
		for (;;)
			poll(obj, wasm_bpf_map_fd_by_name(obj, "events"), &t, 0x7fffffff);
	}
	if (!strcmp(mode, "sleep")) {
		load_attached(pid);
		printf("attached\n");
		fflush(stdout);
		sleep(86400);
		return 0;
	}
	if (!strcmp(mode, "loop")) {
		load_attached(pid);
		printf("attached\n");
		fflush(stdout);
		for (volatile int i = 0;; i++)
			;
	}
	if (!strcmp(mode, "calls") || !strcmp(mode, "names"))
		return bench(!strcmp(mode, "calls"), atoi(argv[2]));
	if (!strcmp(mode, "drain"))
		return drain(pid);
	if (!strcmp(mode, "trunc")) {
		uint64_t obj = load_attached(pid);
		struct totals t = {.pid = pid, .mode = 4};
		printf("attached\n");
		fflush(stdout);
		while (!t.events)
			if (wasm_bpf_buffer_poll(obj, wasm_bpf_map_fd_by_name(obj, "events"), (int32_t)on_record, (uint32_t)&t, data, 64, 1000) < 0)
				return 22;
		printf("size %u\n", t.size);
		return 0;
	}
	if (!strcmp(mode, "hold")) {
		uint64_t obj = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
		printf("fd %d\n", wasm_bpf_map_fd_by_name(obj, "filter"));
		fflush(stdout);
		while (getchar() != EOF)
			;
		return 0;
	}
	if (!strcmp(mode, "use")) {
		uint32_t key = 0, value;
		printf("use %d\n", wasm_bpf_map_operate(atoi(argv[2]), LOOKUP, &key, &value, NULL, 0));
		return 0;
	}
	if (!strcmp(mode, "oom")) {
		load_attached(pid);
		long pages = 0;
		while (__builtin_wasm_memory_grow(0, 16) != (size_t)-1)
			pages += 16;
		printf("grew %ld pages\n", pages);
		fflush(stdout);
		__builtin_trap();
	}
	if (!strcmp(mode, "xdp")) {
		uint64_t obj = wasm_load_bpf_object(bpf_obj, bpf_obj_len);
		printf("xdp-lo %d\n", wasm_attach_bpf_program(obj, "on_xdp", "lo"));
		printf("xdp-missing %d\n", wasm_attach_bpf_program(obj, "on_xdp", "nomia-no-such0"));
		printf("close %d\n", wasm_close_bpf_object(obj));
		return 0;
	}
	if (!strcmp(mode, "exit-1"))
		return -1;
	printf("unknown mode %s\n", mode);
	return 2;
}
