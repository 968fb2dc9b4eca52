/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The counter map every feature source writes, of the type the source names
 * in COUNT_MAP_TYPE (the map type is one of the things under test), and
 * count() to bump one of its slots. */
#ifndef COUNT_H
#define COUNT_H

struct {
	__uint(type, COUNT_MAP_TYPE);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

static __always_inline int count(u32 key)
{
	u64 *n = bpf_map_lookup_elem(&counts, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

#endif
