/* Compiled, not run, by TestCompatCompiles: every call of wasm-bpf's
 * libbpf-wasm.h that its example guests use, written as they use them, must
 * compile unchanged against nomia's header and a generated skeleton. */
#include <stdbool.h>
#include <time.h>
#include "probe.skel.h"
#include "probe.wasm.h"

static volatile bool exiting;

static int handle_event(void *ctx, void *data, size_t data_sz)
{
	const struct event *e = data;
	(void)ctx;
	printf("%-16s %-7d %llu %zu\n", e->comm, e->pid, (unsigned long long)e->value, data_sz);
	return 0;
}

static int print_counts(struct bpf_map *counts)
{
	int err, fd = bpf_map__fd(counts);
	uint32_t lookup_key = -2, next_key;
	uint64_t value;

	while (!bpf_map_get_next_key(fd, &lookup_key, &next_key)) {
		err = bpf_map_lookup_elem(fd, &next_key, &value);
		if (err < 0) {
			fprintf(stderr, "failed to lookup: %d\n", err);
			return -1;
		}
		lookup_key = next_key;
	}
	lookup_key = -2;
	while (!bpf_map_get_next_key(fd, &lookup_key, &next_key)) {
		err = bpf_map_delete_elem(fd, &next_key);
		if (err < 0)
			return -1;
		lookup_key = next_key;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_buffer *rb = NULL;
	struct probe_bpf *skel;
	int err;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return 0;
	skel = probe_bpf__open();
	if (!skel) {
		fprintf(stderr, "Failed to open and load BPF skeleton\n");
		return 1;
	}
	skel->rodata->targ_pid = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	skel->data->multiplier = 2;
	skel->data_extra->flag_offset = 0;
	bpf_program__set_autoload(skel->progs.on_prctl, true);
	bpf_set_prog_attach_target(skel->progs.on_prctl, "");

	err = probe_bpf__load(skel);
	if (err)
		goto cleanup;
	err = probe_bpf__attach(skel);
	if (err)
		goto cleanup;

	uint32_t key = 0;
	uint64_t value = 1;
	bpf_map_update_elem(bpf_map__fd(skel->maps.counts), &key, &value, BPF_ANY);
	bpf_map_lookup_elem_flags(bpf_map__fd(skel->maps.counts), &key, &value, 0);
	bpf_map_delete_elem_flags(bpf_map__fd(skel->maps.counts), &key, 0);

	rb = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!rb) {
		err = -1;
		goto cleanup;
	}
	while (!exiting) {
		err = bpf_buffer__poll(rb, POLL_TIMEOUT_MS);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			printf("Error polling perf buffer: %d\n", err);
			break;
		}
		print_counts(skel->maps.counts);
	}

	/* The raw host calls stay available. */
	bpf_object_skel handle = wasm_load_bpf_object(NULL, 0);
	wasm_close_bpf_object(handle);

cleanup:
	bpf_buffer__free(rb);
	probe_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
