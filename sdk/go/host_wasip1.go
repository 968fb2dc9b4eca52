//go:build wasip1

package wasmbpf

import "unsafe"

// The wasm_bpf imports. Pointers are offsets in the guest's memory, which the
// Go runtime never moves, so passing the address of a slice's first element
// is safe for the length of the call.

//go:wasmimport wasm_bpf wasm_load_bpf_object
func wasmLoad(obj unsafe.Pointer, size int32) uint64

//go:wasmimport wasm_bpf wasm_attach_bpf_program
func wasmAttach(obj uint64, name, target unsafe.Pointer) int32

//go:wasmimport wasm_bpf wasm_bpf_map_fd_by_name
func wasmMapFD(obj uint64, name unsafe.Pointer) int32

//go:wasmimport wasm_bpf wasm_bpf_map_operate
func wasmMapOperate(fd, cmd int32, key, value, nextKey unsafe.Pointer, flags uint64) int32

//go:wasmimport wasm_bpf wasm_close_bpf_object
func wasmClose(obj uint64) int32

//go:wasmimport callback-wrapper wasm_bpf_buffer_poll
func wasmPoll(obj uint64, fd int32, ctx uint32, data unsafe.Pointer, maxSize, timeoutMS int32) int32

// goCallback is the export the host calls once per record during a poll.
//
//go:wasmexport go-callback
func goCallback(ctx, data, size uint32) uint32 { return uint32(deliver(ctx, size)) }

func hostLoad(elf []byte) uint64 {
	return wasmLoad(unsafe.Pointer(unsafe.SliceData(elf)), int32(len(elf)))
}

func hostAttach(h uint64, name, target string) int32 {
	var t unsafe.Pointer
	if target != "" {
		t = cstring(target)
	}
	return wasmAttach(h, cstring(name), t)
}

func hostMapFD(h uint64, name string) int32 { return wasmMapFD(h, cstring(name)) }

func hostMapOperate(fd int32, cmd mapCmd, key, value, next []byte, flags uint64) int32 {
	return wasmMapOperate(fd, int32(cmd), ptr(key), ptr(value), ptr(next), flags)
}

func hostClose(h uint64) int32 { return wasmClose(h) }

func hostPoll(h uint64, fd int32, ctx uint32, buf []byte, timeoutMS int32) int32 {
	return wasmPoll(h, fd, ctx, ptr(buf), int32(len(buf)), timeoutMS)
}

// cstring returns a NUL-terminated copy of s.
func cstring(s string) unsafe.Pointer { return unsafe.Pointer(&append([]byte(s), 0)[0]) }

// ptr is the address of b's first byte, nil for an empty b (NULL to the host).
func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// hasHost reports whether the host calls are real.
const hasHost = true
