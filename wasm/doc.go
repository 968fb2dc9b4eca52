// Package wasm runs eBPF programs packaged as WebAssembly modules written
// against eunomia-bpf's wasm-bpf host ABI, so that a module built for wasm-bpf
// runs unchanged under nomia.
//
// A guest is a WASI command (it exports _start) that embeds a BPF ELF object
// and drives it through six functions it imports from the module "wasm_bpf":
//
//	wasm_load_bpf_object(obj i32, size i32) i64                  handle, 0 on failure
//	wasm_attach_bpf_program(obj i64, name i32, target i32) i32  0 or -errno
//	wasm_bpf_buffer_poll(obj i64, fd i32, sample_func i32, ctx i32,
//	                     data i32, max_size i32, timeout_ms i32) i32
//	wasm_bpf_map_fd_by_name(obj i64, name i32) i32               map fd or -1
//	wasm_bpf_map_operate(fd i32, cmd i32, key i32, value i32,
//	                     next_key i32, flags i64) i32             0 or -errno
//	wasm_close_bpf_object(obj i64) i32
//
// Languages that cannot name a function by its table index import the poll
// from the module "callback-wrapper" instead (the same parameters without
// sample_func); the host then calls the guest's export "go-callback".
//
// The host differs from upstream's where upstream is unsafe or lossy: every
// record a poll reads reaches the guest (upstream delivers only the last),
// each map has its own reader, records are not capped at 4 KiB, every pointer
// and length is checked against the guest's memory, and a guest may only name
// the objects and map fds it created. A trap, a panic, running out of memory or
// a cancelled context ends the guest with a one-line error, and Run detaches
// everything the guest attached before returning.
package wasm
