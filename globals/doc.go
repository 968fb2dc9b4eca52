// Package globals turns the global variables of a BPF object into typed
// command-line flags.
//
// Every variable of a .rodata, .data or .bss section (and their ".name"
// variants) becomes one flag, typed from the object's BTF: integers of every
// width and sign (through typedefs such as pid_t or __u64), bools, enums (by
// enumerator name or number), floats, char arrays as strings and integer
// arrays as comma-separated lists. Values are range-checked, never truncated,
// and encoded in the object's byte order. Structs and pointers are listed but
// refused with a clear error, because no single text form fits them.
//
// The flow is List (what can be set), Register (one flag per variable on a
// pflag.FlagSet), and Values.Apply (write what the user set into the
// CollectionSpec before it is loaded).
package globals
