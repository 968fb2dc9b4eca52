// Package mapview prints the maps a BPF tool reports through, the way the
// tool's own user space would. Half of libbpf-tools (runqlat, biolatency,
// syscount, softirqs, offcputime …) aggregate in maps rather than emit events;
// nomia runs their unmodified kernel sources, so it must find and print those
// maps itself.
//
// Plan, before load, picks the maps worth showing from the collection spec:
//
//   - histograms: a map or .bss/.data global whose value is a struct with a
//     `slots` array of 32- or 64-bit counters (an array global's index is
//     its key);
//   - eunomia `sample` maps, with the kind, unit, interval and clear_map
//     they ask for;
//   - the maps and globals named in Options.Names (--map);
//   - aggregations: hash, array and LRU maps (per-CPU or not) that the
//     programs update and never delete from, and that either create keys
//     with BPF_NOEXIST (libbpf-tools' bpf_map_lookup_or_try_init), store
//     through looked-up values (on any path after the lookup, as tcptop's
//     ip_map += size is), or never read them back;
//   - counters: .bss/.data arrays of integers the programs add to, atomically
//     or by x += n through the global's address (softirqs' counts[vec],
//     vfsstat's stats[op]), as index → value tables; named hist, slots or
//     *_hist, the array is a log2 histogram's slots (funclatency's hist).
//     Arrays the programs only store to are state (cpufreq's freqs_mhz) and
//     scalars, read-only arrays and .rodata never show.
//
// Start-timestamp maps (deleted from, or overwritten and only read),
// scratch heaps (never updated), ring and perf buffers, stack-trace maps
// (shown through the maps whose keys hold stack ids), program arrays,
// nomia_* maps and .rodata/.kconfig never show. The calls are found in the
// programs' instructions: the ld_imm64 that loads the map into R1 before the
// helper call; writes to globals through the ld_imm64 of their address.
//
// A View then reads a loaded collection and prints it as text or JSON lines.
// Per-CPU values are summed field by field; entries whose value is all zero
// are skipped.
//
// Text:
//
//   - log2 histograms exactly as trace_helpers.c print_log2_hist draws them
//     (the wider layout past bucket 32), linear ones as print_linear_hist;
//     each entry is headed by its key and the value's other fields,
//     `pid = 42 comm = sshd`, unless the map has a single scalar-keyed entry
//     or is a plain global. The unit is the sample's, else msecs/nsecs/usecs
//     from the libbpf-tools flags targ_ms and targ_ns, else "value". When
//     the key holds stack ids, the frames print under the header between
//     `    -` lines, as futexctn prints them (one folded line with
//     Options.Folded). When every entry's slots are empty (hardirqs run
//     without -d), the view prints the value's other fields as a table.
//   - tables: a header of upper-cased key and value field names, then one
//     aligned row per entry, largest count (the value's first integer) first,
//     at most Options.Top rows.
//   - entries with stack ids (fields named *stack_id, negative meaning none)
//     print as offcputime does: kernel frames leaf first, then user frames,
//     then `    -                comm (pid)` and the count; or with
//     Options.Folded one line `comm;user frames;kernel frames count`, root
//     first. Frames are named by Options.Symbolizer (user stacks with the
//     process in a field named tgid, else pid, else the upper half of
//     pid_tgid), or print in hex without one.
//
// JSON: one object per entry and line, the map's name first:
//
//	{"map":"data","key":{"kind":1,"big":0},"value":{"count":2,"comm":"sshd"}}
//	{"map":"pcpu","key":0,"value":{"count":5,"sum":30}}
//	{"map":"info","key":{…},"value":{…},"stacks":{"kern_stack_id":["leaf",…],"user_stack_id":null}}
//	{"map":"hists","key":7,"hist":{"unit":"usecs","buckets":[{"low":0,"high":1,"count":0},…]},"comm":"sshd"}
//	{"map":"futex","key":{"pid_tgid":…,"user_stack_id":5},"hist":{…},"comm":"a","stacks":{"user_stack_id":["leaf",…]}}
//	{"map":"lin","hist":{"unit":"n","buckets":[{"value":3,"count":1},…]}}
//	{"map":"ghists","index":2,"hist":{…}}
//
// "key" holds the decoded key (an object for a struct, else the bare value);
// array globals carry "index" instead, and single-entry maps and plain
// globals no key at all. Tables carry "value" (decoded the same way) and,
// with stack ids, "stacks": one array of frames per stack-id field, leaf
// first, null when the stack map no longer holds it. Histograms carry
// "hist" and the value's other fields as members of their own (and
// "stacks" likewise); log2 buckets run from 0 to the last non-zero one,
// linear buckets list non-zero counts; a histogram printed as a table
// carries "value" with the other fields. Values are decoded by package
// decode, so fields print as in events.
//
// EventStacks gives the event printer the same stacks for the stack-id
// fields of an event struct: frames under the event line, or a "stacks"
// member in its JSON object.
package mapview
