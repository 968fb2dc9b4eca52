// SPDX-License-Identifier: GPL-2.0
// views.bpf.c fills one map of each kind mapview shows, deterministically:
// the n-th getppid call of the test process (n counts from 1) lands in
// buckets and keys computed from n, so the test knows every value.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_SLOTS 27
#define MAX_STACK 32

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[16];
};

struct lhist {
	__u64 slots[10];
};

struct data_key {
	__u32 kind;
	__u32 big;
};

struct data_val {
	__u64 count;
	__u64 total;
	char comm[16];
};

struct pcpu_val {
	__u64 count;
	__u64 sum;
};

struct stack_key {
	__u32 tgid;
	int user_stack_id;
	int kern_stack_id;
};

/* futexctn's key: a histogram per process and stack. */
struct stack_hist_key {
	__u64 pid_tgid;
	int user_stack_id;
	int kern_stack_id;
};

/* hardirqs' value: without -d the slots stay empty. */
struct info {
	__u64 count;
	__u64 total;
	__u32 slots[8];
};

/* An event carrying stack ids, as capable's or a profiler's would. */
struct stack_event {
	__u32 pid;
	__u32 n;
	int kern_stack_id;
	int user_stack_id;
};

/* Only calls of this process count. */
const volatile __u32 targ_tgid = 0;
/* The libbpf-tools unit flag: histograms are in msecs when set. */
const volatile bool targ_ms = false;

__u32 calls = 0;
/* A global histogram array, as softirqs keeps one per vector. */
struct hist ghists[8] = {};
/* Counters per n % 4, added to atomically (softirqs' counts) ... */
__u64 counters[4] = {};
/* ... and with a plain +=. */
__u64 sums[4] = {};
/* A histogram's slots as a bare array, as funclatency keeps them. */
__u32 lat_hist[8] = {};
/* Not shown: state the program overwrites (cpufreq's freqs_mhz) ... */
__u32 last[4] = {};
/* ... and a table it only reads. */
__u32 limits[4] = {1, 2, 3, 4};

/* log2 histogram per n % 2, with the caller's comm. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

/* The test marks it linear_hist through eunomia's sample metadata. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lhist);
} lin SEC(".maps");

/* Aggregation keyed by a struct, created with BPF_NOEXIST. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct data_key);
	__type(value, struct data_val);
} data SEC(".maps");

/* Per-CPU counters keyed by n % 2. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct pcpu_val);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 64);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_STACK * sizeof(__u64));
} stackmap SEC(".maps");

/* Calls per stack, as profile counts them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct stack_key);
	__type(value, __u64);
} stacks SEC(".maps");

/* Histograms per stack, as futexctn keeps them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct stack_hist_key);
	__type(value, struct hist);
} shists SEC(".maps");

/* Counts and totals per n % 2 whose slots stay empty. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct info);
} infos SEC(".maps");

/* Puts struct stack_event in the object's BTF, as libbpf-tools do. */
const struct stack_event *unused_stack_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} stack_events SEC(".maps");

/* Bookkeeping mapview must not show: a start map (deleted from) ... */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* ... and a scratch heap (never updated). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct data_val);
} heap SEC(".maps");

/* slot_of is floor(log2(v)), capped at the last slot, as libbpf-tools bin. */
static __always_inline __u64 slot_of(__u32 v)
{
	__u64 r = 0;

	for (int i = 0; i < 32 && v > 1; i++) {
		v >>= 1;
		r++;
	}
	if (r >= MAX_SLOTS)
		r = MAX_SLOTS - 1;
	return r;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int views_getppid(void *ctx)
{
	struct data_val zero_val = {}, *dv, *scratch;
	struct pcpu_val zero_pcpu = {}, *pv;
	struct stack_key sk = {};
	struct stack_hist_key shk = {};
	struct info zero_info = {}, *in;
	struct stack_event *ev;
	struct data_key dk = {};
	struct hist zero_hist = {}, *h;
	__u64 ts = 1, *tsp, zero64 = 0, *cnt;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, n, key, zero = 0;
	struct lhist *l;

	if (tgid != targ_tgid)
		return 0;
	/* The test calls getppid from one goroutine at a time: no race. */
	n = ++calls;

	bpf_map_update_elem(&start, &tgid, &ts, BPF_ANY);
	tsp = bpf_map_lookup_elem(&start, &tgid);
	if (tsp)
		bpf_map_delete_elem(&start, &tgid);

	scratch = bpf_map_lookup_elem(&heap, &zero);
	if (!scratch)
		return 0;
	scratch->count = n;

	key = n % 2;
	bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&hists, &key);
	if (h) {
		__sync_fetch_and_add(&h->slots[slot_of(n)], 1);
		bpf_get_current_comm(h->comm, sizeof(h->comm));
	}

	l = bpf_map_lookup_elem(&lin, &zero);
	if (l) {
		__u64 i = n;

		if (i > 9)
			i = 9;
		__sync_fetch_and_add(&l->slots[i], 1);
	}

	dk.kind = n % 3;
	dk.big = n > 5;
	bpf_map_update_elem(&data, &dk, &zero_val, BPF_NOEXIST);
	dv = bpf_map_lookup_elem(&data, &dk);
	if (dv) {
		__sync_fetch_and_add(&dv->count, 1);
		__sync_fetch_and_add(&dv->total, n);
		bpf_get_current_comm(dv->comm, sizeof(dv->comm));
	}

	bpf_map_update_elem(&pcpu, &key, &zero_pcpu, BPF_NOEXIST);
	pv = bpf_map_lookup_elem(&pcpu, &key);
	if (pv) {
		pv->count++;
		pv->sum += n;
	}

	__u64 g = n % 4;
	__sync_fetch_and_add(&ghists[g].slots[slot_of(n)], 1);

	sk.tgid = tgid;
	sk.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
	sk.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
	bpf_map_update_elem(&stacks, &sk, &zero64, BPF_NOEXIST);
	cnt = bpf_map_lookup_elem(&stacks, &sk);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);

	shk.pid_tgid = bpf_get_current_pid_tgid();
	shk.user_stack_id = sk.user_stack_id;
	shk.kern_stack_id = sk.kern_stack_id;
	bpf_map_update_elem(&shists, &shk, &zero_hist, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&shists, &shk);
	if (h) {
		__sync_fetch_and_add(&h->slots[slot_of(n)], 1);
		bpf_get_current_comm(h->comm, sizeof(h->comm));
	}

	bpf_map_update_elem(&infos, &key, &zero_info, BPF_NOEXIST);
	in = bpf_map_lookup_elem(&infos, &key);
	if (in) {
		__sync_fetch_and_add(&in->count, 1);
		__sync_fetch_and_add(&in->total, n);
	}

	__sync_fetch_and_add(&counters[n % 4], 1);
	sums[n % 4] += n * limits[0];
	__sync_fetch_and_add(&lat_hist[slot_of(n) & 7], 1);
	last[n % 4] = n;

	ev = bpf_ringbuf_reserve(&stack_events, sizeof(*ev), 0);
	if (ev) {
		ev->pid = tgid;
		ev->n = n;
		ev->kern_stack_id = sk.kern_stack_id;
		ev->user_stack_id = sk.user_stack_id;
		bpf_ringbuf_submit(ev, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
