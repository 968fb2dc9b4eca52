// Package eventtype infers which C struct each ring-buffer and perf-event-array map
// of a compiled BPF object carries, without any annotation in the source.
//
// clang drops a struct from the object's BTF when only local variables use it, which
// is exactly how event structs are usually written (`struct event *e =
// bpf_ringbuf_reserve(...)`). So the inference reads the instructions instead: a small
// abstract interpreter follows each program (and its subprograms and callbacks) to
// its bpf_ringbuf_reserve, bpf_ringbuf_output and bpf_perf_event_output calls, and
// learns the map, the record's size and where the data came from: the stack, a map
// value (libbpf-tools' per-CPU "heap"), a global, or a reserved record.
//
// Then, strongest evidence first: the map value's struct from BTF; the pointer
// variable that the object's DWARF location lists place in the register holding
// the reserved record or looked-up value; the global or stack variable at the
// data's address; else the structs of the record's size that the emitting function
// uses, narrowed by preferring non-kernel types and names like the map or "event".
// clang 14 and 19 and DWARF 4 and 5 are handled.
//
// When inference cannot decide, the user chooses with `nomia build --event-type
// MAP=STRUCT` or a source line `// nomia:event-type MAP STRUCT` (see Markers).
package eventtype
