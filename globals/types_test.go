package globals

import (
	"fmt"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/ctype"
)

// BTF types as clang emits them for the C declarations in the names, so the
// table tests need no compiled object.
var (
	tChar   = &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
	tUChar  = &btf.Int{Name: "unsigned char", Size: 1}
	tSChar  = &btf.Int{Name: "signed char", Size: 1, Encoding: btf.Signed}
	tU16    = &btf.Int{Name: "unsigned short", Size: 2}
	tS16    = &btf.Int{Name: "short", Size: 2, Encoding: btf.Signed}
	tU32    = &btf.Int{Name: "unsigned int", Size: 4}
	tInt    = &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	tU64    = &btf.Int{Name: "unsigned long long", Size: 8}
	tS64    = &btf.Int{Name: "long long", Size: 8, Encoding: btf.Signed}
	tInt128 = &btf.Int{Name: "__int128", Size: 16, Encoding: btf.Signed}
	tBool   = &btf.Int{Name: "_Bool", Size: 1, Encoding: btf.Bool}
	tFloat  = &btf.Float{Name: "float", Size: 4}
	tDouble = &btf.Float{Name: "double", Size: 8}
	tLongD  = &btf.Float{Name: "long double", Size: 16}

	tU8      = &btf.Typedef{Name: "u8", Type: tUChar}
	tS8      = &btf.Typedef{Name: "__s8", Type: tSChar}
	tU32T    = &btf.Typedef{Name: "__u32", Type: tU32}
	tU64T    = &btf.Typedef{Name: "__u64", Type: tU64}
	tPid     = &btf.Typedef{Name: "pid_t", Type: &btf.Typedef{Name: "__kernel_pid_t", Type: tInt}}
	tBoolT   = &btf.Typedef{Name: "bool", Type: tBool}
	tCVPid   = &btf.Const{Type: &btf.Volatile{Type: tPid}}
	tCVU8    = &btf.Volatile{Type: &btf.Const{Type: tU8}}
	tMode    = &btf.Enum{Name: "mode", Size: 4, Values: []btf.EnumValue{{Name: "MODE_A", Value: 0}, {Name: "MODE_B", Value: 1}, {Name: "MODE_C", Value: 5}}}
	tSigned  = &btf.Enum{Name: "level", Size: 4, Signed: true, Values: []btf.EnumValue{{Name: "LOW", Value: ^uint64(0)}, {Name: "HIGH", Value: 1}}}
	tBig     = &btf.Enum{Name: "big", Size: 8, Values: []btf.EnumValue{{Name: "SMALL", Value: 1}, {Name: "HUGE", Value: 1 << 40}}}
	tTiny    = &btf.Enum{Name: "tiny", Size: 1, Values: []btf.EnumValue{{Name: "T1", Value: 1}}}
	tComm    = &btf.Array{Index: tU32, Type: tChar, Nelems: 8}
	tUComm   = &btf.Array{Index: tU32, Type: tUChar, Nelems: 4}
	tCVComm  = &btf.Const{Type: &btf.Volatile{Type: &btf.Array{Index: tU32, Type: &btf.Const{Type: &btf.Volatile{Type: tChar}}, Nelems: 8}}}
	tPorts   = &btf.Array{Index: tU32, Type: tU32T, Nelems: 3}
	tShorts  = &btf.Array{Index: tU32, Type: tS16, Nelems: 2}
	tModes   = &btf.Array{Index: tU32, Type: tMode, Nelems: 2}
	tFloats  = &btf.Array{Index: tU32, Type: tFloat, Nelems: 2}
	tStruct  = &btf.Struct{Name: "cfg", Size: 8, Members: []btf.Member{{Name: "a", Type: tU32}, {Name: "b", Type: tU32, Offset: 32}}}
	tUnion   = &btf.Union{Name: "u", Size: 4, Members: []btf.Member{{Name: "a", Type: tU32}}}
	tPtr     = &btf.Pointer{Target: tChar}
	tMatrix  = &btf.Array{Index: tU32, Type: tComm, Nelems: 2}
	tStructs = &btf.Array{Index: tU32, Type: tStruct, Nelems: 2}
)

// tMany has more enumerators than an error message lists.
var tMany = func() *btf.Enum {
	e := &btf.Enum{Name: "many", Size: 4}
	for i := range 20 {
		e.Values = append(e.Values, btf.EnumValue{Name: fmt.Sprintf("E%d", i), Value: uint64(i)})
	}
	return e
}()

// ctypeOf names a test type in failure messages.
func ctypeOf(t btf.Type) string {
	if t == nil {
		return "<nil>"
	}
	return ctype.Name(t)
}
