package ringdrops

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// TestJumpsAreReaimed checks the raw offsets after instrumenting: a jump to the
// instruction right after a call must land after the inserted branch, a jump
// across it must stretch, and jumps that do not cross it stay as they were.
func TestJumpsAreReaimed(t *testing.T) {
	maps := map[string]*ebpf.MapSpec{"events": {Type: ebpf.RingBuf}, "other": {Type: ebpf.Hash}}
	insns := asm.Instructions{
		/* 0 */ withOffset(asm.JEq.Imm(asm.R6, 0, ""), 5), // → 5, just after the call
		/* 1 */ asm.LoadMapPtr(asm.R1, 0).WithReference("events"), // two slots
		/* 2 */ asm.Mov.Imm(asm.R2, 8),
		/* 3 */ asm.Mov.Imm(asm.R3, 0),
		/* 4 */ asm.FnRingbufReserve.Call(),
		/* 5 */ withOffset(asm.JEq.Imm(asm.R0, 0, ""), 1), // → 7, does not cross
		/* 6 */ asm.Mov.Imm(asm.R0, 1),
		/* 7 */ withOffset(asm.Ja.Label(""), -9), // → 0, backward across
		/* 8 */ asm.Return(),
	}
	c := &Counter{}
	out, err := c.rewrite(insns, maps)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(insns)+4 || len(c.rings) != 1 || c.rings[0] != "events" {
		t.Fatalf("%d instructions, rings %v", len(out), c.rings)
	}
	pos := slotPositions(out)
	target := func(i int) int { return pos[i+1] + int(out[i].Offset) }
	// Original instruction k > 4 is out[k+4]: four instructions were inserted.
	if got, want := target(0), pos[9]; got != want {
		t.Errorf("jump into the call's successor lands at slot %d, want %d (after the branch)", got, want)
	}
	if got, want := target(9), pos[11]; got != want {
		t.Errorf("local jump lands at slot %d, want %d", got, want)
	}
	if got, want := target(11), pos[0]; got != want {
		t.Errorf("backward jump lands at slot %d, want %d", got, want)
	}
	if out[5].OpCode.JumpOp() != asm.JNE || out[5].Offset != countSlots {
		t.Errorf("inserted branch %v: want JNE r0, 0, +%d", out[5], countSlots)
	}
}

func TestUnknownRing(t *testing.T) {
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R1, asm.R7), // the map pointer arrives in a register
		asm.Mov.Imm(asm.R2, 8),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnRingbufReserve.Call(),
		asm.Return(),
	}
	if got := ringOf(insns, 3, nil); got != "?" {
		t.Errorf("ringOf = %q, want ?", got)
	}
}

func withOffset(ins asm.Instruction, off int16) asm.Instruction {
	ins.Offset = off
	return ins
}
