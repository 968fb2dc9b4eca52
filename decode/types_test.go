package decode

import (
	"encoding/binary"

	"github.com/cilium/ebpf/btf"
)

// Types built by hand, as clang would emit them, for tests.
var (
	tU8    = &btf.Int{Name: "unsigned char", Size: 1}
	tS8    = &btf.Int{Name: "signed char", Size: 1, Encoding: btf.Signed}
	tChar  = &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
	tU16   = &btf.Int{Name: "unsigned short", Size: 2}
	tS16   = &btf.Int{Name: "short", Size: 2, Encoding: btf.Signed}
	tU32   = &btf.Int{Name: "unsigned int", Size: 4}
	tS32   = &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	tU64   = &btf.Int{Name: "unsigned long long", Size: 8}
	tS64   = &btf.Int{Name: "long long", Size: 8, Encoding: btf.Signed}
	tBool  = &btf.Int{Name: "_Bool", Size: 1, Encoding: btf.Bool}
	tU128  = &btf.Int{Name: "unsigned __int128", Size: 16}
	tS128  = &btf.Int{Name: "__int128", Size: 16, Encoding: btf.Signed}
	tF32   = &btf.Float{Name: "float", Size: 4}
	tF64   = &btf.Float{Name: "double", Size: 8}
	tF128  = &btf.Float{Name: "long double", Size: 16}
	tTdU8  = &btf.Typedef{Name: "__u8", Type: tU8}
	tTdU32 = &btf.Typedef{Name: "__u32", Type: tU32}
)

// member is a byte-aligned struct member.
func member(name string, t btf.Type, byteOff int) btf.Member {
	return btf.Member{Name: name, Type: t, Offset: btf.Bits(byteOff * 8)}
}

func structOf(name string, size int, ms ...btf.Member) *btf.Struct {
	return &btf.Struct{Name: name, Size: uint32(size), Members: ms}
}

func arrayOf(t btf.Type, n int) *btf.Array {
	return &btf.Array{Index: tU32, Type: t, Nelems: uint32(n)}
}

// rec builds a record of size bytes with little-endian values poked in.
type rec []byte

func newRec(size int) rec { return make(rec, size) }

func (r rec) u8(off int, v uint8) rec   { r[off] = v; return r }
func (r rec) u16(off int, v uint16) rec { binary.LittleEndian.PutUint16(r[off:], v); return r }
func (r rec) u32(off int, v uint32) rec { binary.LittleEndian.PutUint32(r[off:], v); return r }
func (r rec) u64(off int, v uint64) rec { binary.LittleEndian.PutUint64(r[off:], v); return r }
func (r rec) str(off int, s string) rec { copy(r[off:], s); return r }

// eventType is the benchmark's 64-byte event:
// struct event { u32 pid; u32 tid; u64 ts; char comm[16]; int ret; u32 flags; u64 a[2]; }
// followed by 8 bytes of padding to 64.
var eventType = structOf("event", 64,
	member("pid", tU32, 0),
	member("tid", tU32, 4),
	member("ts", tU64, 8),
	member("comm", arrayOf(tChar, 16), 16),
	member("ret", tS32, 32),
	member("flags", tU32, 36),
	member("a", arrayOf(tU64, 2), 40),
)

func eventRecord() rec {
	return newRec(64).u32(0, 4242).u32(4, 4243).u64(8, 1234567890123456789).
		str(16, "bash").u32(32, 0xfffffffe).u32(36, 0x80000000).u64(40, 1).u64(48, ^uint64(0))
}

const eventJSON = `{"pid":4242,"tid":4243,"ts":1234567890123456789,"comm":"bash","ret":-2,"flags":2147483648,"a":[1,18446744073709551615]}`
