// Package eventtype infers which C struct each ring-buffer and perf-event-array map
// of a compiled BPF object carries, without any annotation in the source.
//
// clang drops a struct from the object's BTF when only local variables use it, which
// is exactly how event structs are usually written (`struct event *e =
// bpf_ringbuf_reserve(...)`). So the inference reads the instructions instead: a small
// abstract interpreter follows each program to its bpf_ringbuf_reserve,
// bpf_ringbuf_output and bpf_perf_event_output calls, learns the map, the record's
// size and where the data came from (stack, a per-CPU "heap" map value, a reserved
// record). The object's DWARF then names the struct: the variable at that stack
// address, the pointer variable that its location list places in the register
// holding the record, or else the structs of that size the emitting function uses.
//
// When inference cannot decide, the user chooses with `nomia build --event-type
// MAP=STRUCT` or a source line `// nomia:event-type MAP STRUCT` (see Markers).
package eventtype
