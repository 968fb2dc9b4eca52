package mapview

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// The instructions clang emits for the calls Plan classifies by, written out
// by hand so each rule is checked on its own.
func TestScanUsage(t *testing.T) {
	insns := asm.Instructions{
		// counts: lookup-or-init with BPF_NOEXIST, the pointer kept in R6.
		asm.LoadMapPtr(asm.R6, 0).WithReference("counts"),
		asm.Mov.Reg(asm.R1, asm.R6),
		asm.Mov.Imm(asm.R4, bpfNoExist),
		asm.FnMapUpdateElem.Call(),
		// start: overwritten with BPF_ANY and only read back.
		asm.LoadMapPtr(asm.R1, 0).WithReference("start"),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnMapUpdateElem.Call(),
		asm.LoadMapPtr(asm.R1, 0).WithReference("start"),
		asm.FnMapLookupElem.Call(),
		asm.LoadMem(asm.R2, asm.R0, 0, asm.DWord),
		// hists: updated with flag 0, then written through the looked-up
		// pointer after a null check and pointer arithmetic.
		asm.LoadMapPtr(asm.R1, 0).WithReference("hists"),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnMapUpdateElem.Call(),
		asm.LoadMapPtr(asm.R1, 0).WithReference("hists"),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R7, asm.R0),
		asm.Add.Imm(asm.R7, 8),
		asm.StoreImm(asm.R7, 0, 1, asm.Word),
		// pending: updated and deleted.
		asm.LoadMapPtr(asm.R1, 0).WithReference("pending").WithSymbol("out"),
		asm.FnMapUpdateElem.Call(),
		asm.LoadMapPtr(asm.R1, 0).WithReference("pending"),
		asm.FnMapDeleteElem.Call(),
		// stackmap: bpf_get_stackid's second argument.
		asm.LoadMapPtr(asm.R2, 0).WithReference("stackmap"),
		asm.FnGetStackid.Call(),
		asm.Return(),
	}
	u := scanUsage(&ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"p": {Instructions: insns}}})
	for name, want := range map[string]bool{"counts": true, "hists": true, "start": false, "pending": false, "stackmap": false} {
		if got := u.aggregate(name); got != want {
			t.Errorf("aggregate(%s) = %v, want %v (usage %+v)", name, got, want, u)
		}
	}
	if !u.stacks["stackmap"] {
		t.Errorf("stackmap is not seen as bpf_get_stackid's map: %+v", u)
	}
	// A call clobbers R1: the map loaded before it is not the next call's.
	clobbered := asm.Instructions{
		asm.LoadMapPtr(asm.R1, 0).WithReference("counts"),
		asm.FnKtimeGetNs.Call(),
		asm.FnMapUpdateElem.Call(),
	}
	if got := mapArg(clobbered, 2, asm.R1); got != "" {
		t.Errorf("mapArg through a call = %q, want none", got)
	}
}

func TestCatchAllKey(t *testing.T) {
	v := &View{keyType: &btf.Int{Name: "u32", Size: 4}}
	for key, want := range map[[4]byte]bool{{0, 0, 0, 0}: true, {0xff, 0xff, 0xff, 0xff}: true, {42, 0, 0, 0}: false} {
		if got := v.catchAll(key[:]); got != want {
			t.Errorf("catchAll(%v) = %v, want %v", key, got, want)
		}
	}
	v.keyType = &btf.Struct{Size: 4, Members: []btf.Member{{Name: "dev", Type: &btf.Int{Size: 4}}}}
	if v.catchAll(make([]byte, 4)) {
		t.Error("a struct key of zeros is a real key (biolatency -D's dev 0), not a catch-all")
	}
}
