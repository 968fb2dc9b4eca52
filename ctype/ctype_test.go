package ctype

import (
	"testing"

	"github.com/cilium/ebpf/btf"
)

func TestName(t *testing.T) {
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}
	pid := &btf.Typedef{Name: "pid_t", Type: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}}
	ev := &btf.Struct{Name: "event", Size: 8}
	for _, tc := range []struct {
		t    btf.Type
		want string
	}{
		{u32, "unsigned int"},
		{&btf.Const{Type: &btf.Volatile{Type: pid}}, "pid_t"},
		{&btf.Array{Type: char, Nelems: 16}, "char[16]"},
		{&btf.Array{Type: &btf.Array{Type: u32, Nelems: 3}, Nelems: 2}, "unsigned int[2][3]"},
		{&btf.Pointer{Target: ev}, "struct event *"},
		{&btf.Pointer{Target: &btf.Const{Type: char}}, "char *"},
		{&btf.Struct{}, "struct {...}"},
		{&btf.Union{Name: "u"}, "union u"},
		{&btf.Enum{Name: "state", Size: 4}, "enum state"},
		{&btf.Float{Name: "double", Size: 8}, "double"},
		{&btf.Pointer{Target: &btf.Void{}}, "void *"},
		{&btf.Fwd{Name: "sock", Kind: btf.FwdStruct}, "struct sock"},
	} {
		if got := Name(tc.t); got != tc.want {
			t.Errorf("Name(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
