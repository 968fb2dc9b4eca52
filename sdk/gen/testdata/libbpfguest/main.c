/* A C wasm-bpf guest for the SDK tests written as libbpf user space is:
 * libbpf's ring_buffer and perf_buffer over map fds, the bpf_map__*_elem
 * calls, __u32/__u64 types. It prints what testdata/cguest prints.
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

static void handle_small(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx, (void)cpu;
	print_small(data, size);
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	struct probe_bpf *skel;
	int err;

	unsigned long long multiplier = args(argc, argv);

	skel = probe_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->targ_pid = pid;
	skel->data->multiplier = multiplier;
	skel->data_extra->flag_offset = 10;
	err = probe_bpf__load(skel);
	if (!err)
		err = probe_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to load or attach: %d\n", err);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	pb = perf_buffer__new(bpf_map__fd(skel->maps.smalls), 8, handle_small, NULL, NULL, NULL);
	/* A perf buffer keeps only what arrives while its reader is open: the
	 * first poll opens it. */
	if (!rb || !pb || perf_buffer__consume(pb) < 0) {
		err = -errno;
		fprintf(stderr, "failed to set up the buffers: %d\n", err);
		goto cleanup;
	}
	printf("attached\n");
	fflush(stdout);
	while (seen < want && (err = ring_buffer__poll(rb, 1000)) >= 0)
		;
	while (smalls < want && (err = perf_buffer__poll(pb, 1000)) >= 0)
		;
	if (err < 0)
		goto cleanup;

	__u32 key, next, *prev = NULL;
	__u64 value, sum = 0;
	int keys = 0;
	while (!bpf_map__get_next_key(skel->maps.counts, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (!bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), &value, sizeof(value), 0)) {
			keys++;
			sum += value;
		}
	}
	key = 1000;
	value = 42;
	err = bpf_map__update_elem(skel->maps.counts, &key, sizeof(key), &value, sizeof(value), BPF_NOEXIST);
	__u64 v1000 = 0;
	bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), &v1000, sizeof(v1000), 0);
	key = 1;
	bpf_map__delete_elem(skel->maps.counts, &key, sizeof(key), 0);
	printf("keys %d sum %llu updated %llu deleted-lookup-not-exist %s\n", keys, (unsigned long long)sum,
	       (unsigned long long)v1000,
	       bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), &value, sizeof(value), 0) == -ENOENT ? "true"
														: "false");

cleanup:
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	probe_bpf__destroy(skel);
	return err < 0 ? -err : err;
}
