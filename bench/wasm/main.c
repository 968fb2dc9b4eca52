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

/* put_u64 writes v in decimal at p and returns the end, two digits per
 * division: formatting is most of what the guest does per record. */
static char *put_u64(char *p, unsigned long long v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char tmp[20];
	int n = 20;

	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;
		v /= 100;
		tmp[--n] = pairs[i + 1];
		tmp[--n] = pairs[i];
	}
	if (v >= 10) {
		tmp[--n] = pairs[v * 2 + 1];
		tmp[--n] = pairs[v * 2];
	} else {
		tmp[--n] = (char)('0' + v);
	}
	memcpy(p, tmp + n, (size_t)(20 - n));
	return p + (20 - n);
}

/* PUT_LIT copies a string literal; its length is known at compile time, so
 * the copy is a few stores rather than a strlen and a call. */
#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

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
			p = PUT_LIT(p, "\\u00");
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
	p = put_u64(PUT_LIT(p, "{\"ts_ns\":"), e->ts_ns);
	p = put_u64(PUT_LIT(p, ",\"seq\":"), e->seq);
	p = put_u64(PUT_LIT(p, ",\"cgroup_id\":"), e->cgroup_id);
	p = put_u64(PUT_LIT(p, ",\"pid\":"), e->pid);
	p = put_u64(PUT_LIT(p, ",\"tid\":"), e->tid);
	p = put_u64(PUT_LIT(p, ",\"uid\":"), e->uid);
	p = put_u64(PUT_LIT(p, ",\"gid\":"), e->gid);
	p = put_u64(PUT_LIT(p, ",\"cpu\":"), e->cpu);
	p = put_u64(PUT_LIT(p, ",\"pad\":"), e->pad);
	p = PUT_LIT(p, ",\"comm\":");
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
