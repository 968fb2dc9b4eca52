package wasm

import (
	"context"
	"runtime"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/tetratelabs/wazero/api"
	"golang.org/x/sys/unix"
)

// The map commands wasm_bpf_map_operate accepts: the kernel's bpf(2) command
// numbers, which wasm-bpf's guest SDKs pass through.
const (
	cmdLookup  = unix.BPF_MAP_LOOKUP_ELEM
	cmdUpdate  = unix.BPF_MAP_UPDATE_ELEM
	cmdDelete  = unix.BPF_MAP_DELETE_ELEM
	cmdNextKey = unix.BPF_MAP_GET_NEXT_KEY
)

// mapElemAttr is the bpf(2) attribute of the map element commands.
type mapElemAttr struct {
	fd    uint32
	_     uint32
	key   uint64
	value uint64 // value, or next_key for BPF_MAP_GET_NEXT_KEY
	flags uint64
}

// mapOperate is wasm_bpf_map_operate(fd, cmd, key, value, next_key, flags) →
// 0 or -errno. The key, value and next_key buffers are checked against the
// map's key and value sizes; per-CPU maps take one 8-byte-aligned value per
// possible CPU, as with libbpf. A key of 0 for get_next_key asks for the
// first key, as NULL does in libbpf.
func (g *guest) mapOperate(_ context.Context, m api.Module, s []uint64) {
	const call = "wasm_bpf_map_operate"
	fd, cmd := api.DecodeI32(s[0]), api.DecodeI32(s[1])
	keyPtr, valuePtr, nextPtr, flags := api.DecodeU32(s[2]), api.DecodeU32(s[3]), api.DecodeU32(s[4]), s[5]
	mp, name, err := g.mapByFD(fd)
	if err != nil {
		g.logf(call, "%v", err)
		s[0] = errno(unix.EBADF)
		return
	}
	fail := func(e unix.Errno, format string, args ...any) {
		g.logf(call, "map %s: "+format, append([]any{name}, args...)...)
		s[0] = errno(e)
	}
	keySize, valueSize := mp.KeySize(), valueBytes(mp)
	var key []byte
	if cmd != cmdNextKey || keyPtr != 0 {
		if key, err = view(m, "key", keyPtr, keySize); err != nil {
			fail(unix.EFAULT, "%v", err)
			return
		}
	}
	var out []byte // the guest buffer the kernel writes: value or next_key
	attr := mapElemAttr{fd: uint32(mp.FD()), flags: flags}
	switch cmd {
	case cmdLookup, cmdUpdate:
		if out, err = view(m, "value", valuePtr, valueSize); err != nil {
			fail(unix.EFAULT, "%v", err)
			return
		}
	case cmdDelete:
	case cmdNextKey:
		if out, err = view(m, "next_key", nextPtr, keySize); err != nil {
			fail(unix.EFAULT, "%v", err)
			return
		}
	default:
		fail(unix.EINVAL, "command %d: want 1 (lookup), 2 (update), 3 (delete) or 4 (get_next_key)", cmd)
		return
	}
	// The kernel reads and writes host copies, never guest memory directly.
	keyBuf, outBuf := append([]byte(nil), key...), append([]byte(nil), out...)
	if len(keyBuf) > 0 {
		attr.key = uint64(uintptr(unsafe.Pointer(&keyBuf[0])))
	}
	if len(outBuf) > 0 {
		attr.value = uint64(uintptr(unsafe.Pointer(&outBuf[0])))
	}
	_, _, e := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	runtime.KeepAlive(keyBuf)
	runtime.KeepAlive(outBuf)
	if e != 0 {
		// ENOENT is how a missing key and the end of iteration are reported:
		// the guest expects it, so it is not worth a line.
		if e != unix.ENOENT {
			fail(e, "%s: %v", cmdName(cmd), e)
		}
		s[0] = errno(e)
		return
	}
	if cmd == cmdLookup || cmd == cmdNextKey {
		copy(out, outBuf)
	}
	s[0] = 0
}

// valueBytes is the size of a value buffer of m as user space sees it.
func valueBytes(m *ebpf.Map) uint32 {
	switch m.Type() {
	case ebpf.PerCPUHash, ebpf.PerCPUArray, ebpf.LRUCPUHash, ebpf.PerCPUCGroupStorage:
		cpus, err := ebpf.PossibleCPU()
		if err != nil {
			cpus = 1
		}
		return (m.ValueSize() + 7) &^ 7 * uint32(cpus)
	}
	return m.ValueSize()
}

func cmdName(cmd int32) string {
	return [...]string{cmdLookup: "lookup", cmdUpdate: "update", cmdDelete: "delete", cmdNextKey: "get_next_key"}[cmd]
}
