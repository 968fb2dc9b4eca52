/* A C wasm-bpf guest for the SDK tests, written against wasm-bpf's
 * libbpf-wasm.h API only (skeleton open/rodata/load/attach, bpf_buffer,
 * bpf_map__fd and the map calls), in the shape of wasm-bpf's examples.
 *
 *	main PID N MULTIPLIER
 */
#include "probe.skel.h"
#include "probe.wasm.h"

#include "print.h"

static int handle_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	return print_event(data, size);
}

static int handle_small(void *ctx, void *data, size_t size)
{
	(void)ctx;
	return print_small(data, size);
}

int main(int argc, char **argv)
{
	struct bpf_buffer *rb = NULL, *pb = NULL;
	struct probe_bpf *skel;
	int err;

	unsigned long long multiplier = args(argc, argv);

	skel = probe_bpf__open();
	if (!skel) {
		fprintf(stderr, "failed to open skeleton\n");
		return 1;
	}
	skel->rodata->targ_pid = pid;
	skel->data->multiplier = multiplier;
	skel->data_extra->flag_offset = 10;

	err = probe_bpf__load(skel);
	if (err) {
		fprintf(stderr, "failed to load: %d\n", err);
		goto cleanup;
	}
	err = probe_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach: %d\n", err);
		goto cleanup;
	}
	rb = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!rb) {
		err = -1;
		fprintf(stderr, "failed to open the ring buffer\n");
		goto cleanup;
	}
	pb = bpf_buffer__open(skel->maps.smalls, handle_small, NULL);
	/* A perf buffer keeps only what arrives while its reader is open: the
	 * first poll opens it. */
	if (!pb || bpf_buffer__poll(pb, 0) < 0) {
		err = -1;
		fprintf(stderr, "failed to open the perf buffer\n");
		goto cleanup;
	}
	printf("attached\n");
	fflush(stdout);
	while (seen < want) {
		err = bpf_buffer__poll(rb, 1000);
		if (err < 0) {
			printf("poll: %d\n", err);
			goto cleanup;
		}
	}
	while (smalls < want) {
		err = bpf_buffer__poll(pb, 1000);
		if (err < 0) {
			printf("poll: %d\n", err);
			goto cleanup;
		}
	}

	int fd = bpf_map__fd(skel->maps.counts);
	uint32_t key, next, *prev = NULL;
	uint64_t value, sum = 0;
	int keys = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &value)) {
			keys++;
			sum += value;
		}
	}
	key = 1000;
	value = 42;
	err = bpf_map_update_elem(fd, &key, &value, BPF_NOEXIST);
	uint64_t v1000 = 0;
	bpf_map_lookup_elem(fd, &key, &v1000);
	key = 1;
	bpf_map_delete_elem(fd, &key);
	printf("keys %d sum %llu updated %llu deleted-lookup-not-exist %s\n", keys, (unsigned long long)sum,
	       (unsigned long long)v1000, bpf_map_lookup_elem(fd, &key, &value) == -ENOENT ? "true" : "false");

cleanup:
	bpf_buffer__free(rb);
	bpf_buffer__free(pb);
	probe_bpf__destroy(skel);
	return err < 0 ? -err : err;
}
