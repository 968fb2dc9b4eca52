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

// tcptop's shape: the store through the looked-up value is on the far side
// of the null check and goes through a register-indexed pointer, and the
// BPF_NOEXIST update shares its call with a BPF_EXIST one.
func TestScanUsageBranches(t *testing.T) {
	insns := asm.Instructions{
		asm.LoadMapPtr(asm.R1, 0).WithReference("ip_map"),
		asm.FnMapLookupElem.Call(),
		asm.JNE.Imm(asm.R0, 0, "found"),
		asm.LoadMapPtr(asm.R1, 0).WithReference("ip_map"),
		asm.Mov.Imm(asm.R4, bpfNoExist),
		asm.Ja.Label("update"),
		asm.Mov.Imm(asm.R1, 8).WithSymbol("found"),
		asm.Mov.Reg(asm.R2, asm.R0),
		asm.Add.Reg(asm.R2, asm.R1),
		asm.LoadMem(asm.R1, asm.R2, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 100),
		asm.StoreMem(asm.R2, 0, asm.R1, asm.DWord),
		asm.LoadMapPtr(asm.R1, 0).WithReference("ip_map"),
		asm.Mov.Imm(asm.R4, 2),
		asm.FnMapUpdateElem.Call().WithSymbol("update"),
		asm.Return(),
	}
	if err := resolveJumps(insns); err != nil {
		t.Fatal(err)
	}
	u := scanUsage(&ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"p": {Instructions: insns}}})
	if !u.written["ip_map"] || !u.aggregate("ip_map") {
		t.Errorf("ip_map: usage %+v, want written through the looked-up value and so an aggregate", u)
	}
}

// resolveJumps turns symbolic jumps into offsets in raw instructions, as
// the ELF reader leaves them in a spec.
func resolveJumps(insns asm.Instructions) error {
	symbols, err := insns.SymbolOffsets() // instruction indices
	if err != nil {
		return err
	}
	fl := newFlow(insns)
	for i := range insns {
		ins := &insns[i]
		if op := ins.OpCode.JumpOp(); op == asm.InvalidJumpOp || op == asm.Call || op == asm.Exit {
			continue
		}
		ins.Offset = int16(fl.raw[symbols[ins.Reference()]] - fl.raw[i] - 1)
	}
	return nil
}

// Globals count when the programs add to them (atomically, or x = *p;
// x += n; *p = x) through their address, never for plain stores or reads.
func TestScanUsageGlobals(t *testing.T) {
	global := func(off uint32) asm.Instruction {
		return asm.LoadMapValue(asm.R1, 0, off).WithReference(".bss")
	}
	insns := asm.Instructions{
		// counts[r6] atomically += 1
		global(0),
		asm.Add.Reg(asm.R1, asm.R6),
		asm.Mov.Imm(asm.R2, 1),
		asm.StoreXAdd(asm.R1, asm.R2, asm.DWord),
		// sums[r6] += r7, without atomics, the base 8 bytes into sums
		global(40),
		asm.Add.Reg(asm.R1, asm.R6),
		asm.LoadMem(asm.R2, asm.R1, 0, asm.DWord),
		asm.Add.Reg(asm.R2, asm.R7),
		asm.StoreMem(asm.R1, 0, asm.R2, asm.DWord),
		// last[r6] = r7: state
		global(64),
		asm.Add.Reg(asm.R1, asm.R6),
		asm.StoreMem(asm.R1, 0, asm.R7, asm.Word),
		// limits[0] is only read
		global(80),
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Word),
		asm.Return(),
	}
	spec := &ebpf.CollectionSpec{
		Programs: map[string]*ebpf.ProgramSpec{"p": {Instructions: insns}},
		Variables: map[string]*ebpf.VariableSpec{
			"counts": {Name: "counts", SectionName: ".bss", Offset: 0, Value: make([]byte, 32)},
			"sums":   {Name: "sums", SectionName: ".bss", Offset: 32, Value: make([]byte, 32)},
			"last":   {Name: "last", SectionName: ".bss", Offset: 64, Value: make([]byte, 16)},
			"limits": {Name: "limits", SectionName: ".bss", Offset: 80, Value: make([]byte, 16)},
		},
	}
	u := scanUsage(spec)
	for name, want := range map[string]bool{"counts": true, "sums": true, "last": false, "limits": false} {
		if u.counted[name] != want {
			t.Errorf("counted[%s] = %v, want %v", name, u.counted[name], want)
		}
	}
}
