// Package gen generates what a wasm-bpf guest needs to use its BPF object, and
// builds the guest (`nomia build --wasm DIR`):
//
//   - for Go guests (package nomia.dev/nomia/sdk/go), a Go file that embeds
//     the object, tables its global variables and declares the event structs
//     as Go structs with the same layout;
//   - for C guests, a libbpf-style skeleton NAME.skel.h (object bytes, maps,
//     programs, and rodata/data structs that point into the object's bytes)
//     and NAME.wasm.h with the event structs, for sdk/c's libbpf-wasm.h.
//
// Globals are set by patching the object's bytes before it is loaded, since
// the wasm_bpf ABI has no call for it; the offsets come from the object's BTF.
package gen
