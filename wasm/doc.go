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
// Semantics, where wasm-bpf leaves them open:
//
//   - wasm_load_bpf_object loads every program and map of the ELF (its .rodata
//     as the guest patched it) but attaches nothing; wasm_attach_bpf_program
//     attaches one program, named by its C function, by its section name as
//     `nomia run` does (package attach). A non-null target is the interface of
//     an xdp/tc/socket program, the cgroup directory of a cgroup or sockops
//     program, or the binary of a uprobe; otherwise Config.Target applies.
//   - A poll waits up to timeout_ms for a first record, then delivers every
//     record already in the buffer (up to the buffer's size in bytes), each
//     copied to data (cut to max_size, which the host says once) before the
//     callback is called. It returns the number of records delivered, the
//     first nonzero callback result (which stops it, as in libbpf), or -errno.
//     Perf buffers are read from load on (upstream opens them at the first
//     poll and loses what came before).
//   - wasm_bpf_map_operate takes the kernel's command numbers (1 lookup,
//     2 update, 3 delete, 4 get_next_key, where a null key asks for the first
//     key) and returns 0 or -errno: -ENOENT for a missing key or the last key.
//   - Map fds are the kernel's, but only those of the guest's own open objects
//     are accepted: anything else is -EBADF. Failures other than -ENOENT are
//     also written, one line each, to Config.Log.
//
// The host differs from upstream's where upstream is unsafe or lossy: every
// record a poll reads reaches the guest (upstream delivers only the last),
// each map has its own reader, records are not capped at 4 KiB, every pointer
// and length is checked against the guest's memory, and a guest may only name
// the objects and map fds it created. A trap (also inside a callback), a
// panic, running out of memory or a cancelled context ends the guest with a
// one-line error, and Run detaches and unloads everything the guest left
// behind before returning.
//
// Records reach the guest through a small generated wasm module that loops
// over a poll's records in wasm, so a poll costs one Go-to-wasm call however
// many records it delivers (about 8 M records/s into a C guest here).
package wasm
