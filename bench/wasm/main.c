/* The WASM side of eventbench's "nomia run X.wasm" row: a wasm-bpf guest that
 * loads the benchmark producer's program (bench/testdata/getpid.bpf.c, which
 * bench/run.sh copies next to this file before `nomia build --wasm`), attaches
 * it and does per record what `nomia run -j` does in spirit: decode the
 * struct's fields and format one JSON line. Lines collect in a large buffer
 * written to stdout in one write, so the row measures delivery into the guest
 * and the guest's formatting, not one host write per event.
 *
 *	nomia run getpid.wasm            # runs until interrupted
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "getpid.skel.h"
#include "getpid.wasm.h"

/* Large enough that a write per buffer costs little per line (lines are
 * ~150 bytes), small enough to flush often when events are few. */
#define OUT_SIZE (256 * 1024)
#define LINE_MAX 512

static char out[OUT_SIZE];
static size_t used;
static unsigned long long seen;

static void flush_out(void)
{
	size_t off = 0;

	while (off < used) {
		ssize_t n = write(1, out + off, used - off);
		if (n <= 0)
			break; /* stdout is gone: nothing useful left to do with the lines */
		off += (size_t)n;
	}
	used = 0;
}

/* put_u64 writes v in decimal at p and returns the end. */
static char *put_u64(char *p, unsigned long long v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* put_field writes ,"name":value (no comma before the first field). */
static char *put_field(char *p, const char *name, unsigned long long v, int first)
{
	if (!first)
		*p++ = ',';
	*p++ = '"';
	p = put_str(p, name);
	*p++ = '"';
	*p++ = ':';
	return put_u64(p, v);
}

/* put_comm writes the NUL-terminated comm as a JSON string, escaping what
 * JSON requires so any thread name stays valid JSON. */
static char *put_comm(char *p, const char *comm, size_t size)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (size_t i = 0; i < size && comm[i]; i++) {
		unsigned char c = (unsigned char)comm[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			p = put_str(p, "\\u00");
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	return p;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char *p;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (OUT_SIZE - used < LINE_MAX)
		flush_out();
	p = out + used;
	*p++ = '{';
	p = put_field(p, "ts_ns", e->ts_ns, 1);
	p = put_field(p, "seq", e->seq, 0);
	p = put_field(p, "cgroup_id", e->cgroup_id, 0);
	p = put_field(p, "pid", e->pid, 0);
	p = put_field(p, "tid", e->tid, 0);
	p = put_field(p, "uid", e->uid, 0);
	p = put_field(p, "gid", e->gid, 0);
	p = put_field(p, "cpu", e->cpu, 0);
	p = put_field(p, "pad", e->pad, 0);
	p = put_str(p, ",\"comm\":");
	p = put_comm(p, e->comm, sizeof(e->comm));
	*p++ = '}';
	*p++ = '\n';
	used = (size_t)(p - out);
	seen++;
	return 0;
}

int main(void)
{
	struct bpf_buffer *rb = NULL;
	struct getpid_bpf *skel;
	int err;

	skel = getpid_bpf__open();
	if (!skel) {
		fprintf(stderr, "getpid.wasm: cannot open the embedded getpid object\n");
		return 1;
	}
	err = getpid_bpf__load(skel);
	if (err) {
		fprintf(stderr, "getpid.wasm: load getpid object: %d\n", err);
		goto cleanup;
	}
	err = getpid_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "getpid.wasm: attach handle_getpid: %d\n", err);
		goto cleanup;
	}
	rb = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!rb) {
		err = -1;
		fprintf(stderr, "getpid.wasm: cannot open the events ring buffer\n");
		goto cleanup;
	}
	for (;;) {
		/* A poll that found nothing means the producer paused: flush so a
		 * line counter sees every line without waiting for a full buffer. */
		unsigned long long before = seen;
		err = bpf_buffer__poll(rb, 100);
		if (err < 0) {
			fprintf(stderr, "getpid.wasm: poll events: %d\n", err);
			break;
		}
		if (seen == before)
			flush_out();
	}

cleanup:
	flush_out();
	bpf_buffer__free(rb);
	getpid_bpf__destroy(skel);
	return err < 0 ? -err : err;
}
