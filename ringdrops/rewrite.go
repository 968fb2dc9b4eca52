package ringdrops

import (
	"fmt"
	"slices"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// countSlots is how many instruction slots the failure branch skips on success:
// ld_imm64 (two slots), mov, atomic add. blockSlots adds the branch itself.
const (
	countSlots = 4
	blockSlots = countSlots + 1
)

// rewrite returns insns with a failure counter after every ring buffer write.
func (c *Counter) rewrite(insns asm.Instructions, maps map[string]*ebpf.MapSpec) (asm.Instructions, error) {
	type site struct {
		index int // instruction index of the call
		slot  int // counter index
		fail  asm.JumpOp
	}
	var sites []site
	for i, ins := range insns {
		if !ins.IsBuiltinCall() {
			continue
		}
		var fail asm.JumpOp
		switch asm.BuiltinFunc(ins.Constant) {
		case asm.FnRingbufReserve:
			fail = asm.JNE // the record pointer is NULL on failure: skip when it is not
		case asm.FnRingbufOutput:
			fail = asm.JEq // 0 on success, a negative errno on failure: skip on 0
		default:
			continue
		}
		sites = append(sites, site{i, c.slot(ringOf(insns, i, maps)), fail})
	}
	if len(sites) == 0 {
		return insns, nil
	}
	// Jumps count raw 8-byte slots: note where each original instruction lands
	// and how many slots were inserted before it, then re-aim every jump.
	oldPos := slotPositions(insns)
	out := make(asm.Instructions, 0, len(insns)+len(sites)*blockSlots)
	at := make([]int, len(insns))      // index of original instruction i in out
	shift := make([]int, len(insns)+1) // slots inserted before original instruction i
	inserted, next := 0, 0
	for i, ins := range insns {
		shift[i], at[i] = inserted, len(out)
		out = append(out, ins)
		if next < len(sites) && sites[next].index == i {
			out = append(out, failureBranch(sites[next].fail, sites[next].slot)...)
			inserted += blockSlots
			next++
		}
	}
	shift[len(insns)] = inserted
	for i := range insns {
		if err := reaim(&out[at[i]], i, oldPos, shift); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// failureBranch counts one failure in counter slot when the call failed.
func failureBranch(skip asm.JumpOp, slot int) asm.Instructions {
	jump := skip.Imm(asm.R0, 0, "")
	jump.Offset = countSlots
	return asm.Instructions{
		jump,
		// R1-R5 are dead after a helper call, so they are free to use here.
		asm.LoadMapValue(asm.R1, 0, uint32(8*slot)).WithReference(MapName),
		asm.Mov.Imm(asm.R2, 1),
		asm.StoreXAdd(asm.R1, asm.R2, asm.DWord),
	}
}

// slotPositions gives each instruction's offset in 8-byte slots.
func slotPositions(insns asm.Instructions) []int {
	pos := make([]int, len(insns)+1)
	for i, ins := range insns {
		pos[i+1] = pos[i] + int(ins.Size()/asm.InstructionSize)
	}
	return pos
}

// reaim fixes the raw offset of a jump at original index i for the slots inserted
// between it and its target. A jump to the instruction right after a call lands
// after the inserted branch: only the call itself may fall into it.
func reaim(ins *asm.Instruction, i int, oldPos, shift []int) error {
	op := ins.OpCode.JumpOp()
	if op == asm.InvalidJumpOp || op == asm.Call || op == asm.Exit || ins.Reference() != "" {
		return nil
	}
	long := ins.OpCode.Class() == asm.Jump32Class && op == asm.Ja // gotol: offset in the constant
	off := int(ins.Offset)
	if long {
		off = int(ins.Constant)
	}
	target := oldPos[i+1] + off
	ti, found := slices.BinarySearch(oldPos, target)
	if !found {
		return fmt.Errorf("jump at instruction %d lands inside an instruction", i)
	}
	newOff := off + shift[ti] - shift[i]
	if long {
		ins.Constant = int64(newOff)
		return nil
	}
	if newOff < -1<<15 || newOff >= 1<<15 {
		return fmt.Errorf("jump at instruction %d is too long after instrumenting", i)
	}
	ins.Offset = int16(newOff)
	return nil
}

// ringOf finds the ring buffer a call at index i writes to: the map whose
// pointer the nearest earlier instruction writing R1 loads, within the same run
// of straight-line code.
func ringOf(insns asm.Instructions, i int, maps map[string]*ebpf.MapSpec) string {
	for j := i - 1; j >= 0; j-- {
		ins := insns[j]
		if ins.OpCode.JumpOp() != asm.InvalidJumpOp {
			break // a jump or call: R1 may come from anywhere
		}
		if ins.Dst != asm.R1 || !writesDst(ins) {
			continue
		}
		if ins.IsLoadFromMap() && ins.Src == asm.PseudoMapFD {
			if m := maps[ins.Reference()]; m != nil && m.Type == ebpf.RingBuf {
				return ins.Reference()
			}
		}
		break
	}
	return "?"
}

// writesDst reports whether ins assigns its destination register (ALU ops,
// loads), as opposed to storing through it.
func writesDst(ins asm.Instruction) bool {
	switch ins.OpCode.Class() {
	case asm.ALUClass, asm.ALU64Class, asm.LdClass, asm.LdXClass:
		return true
	}
	return false
}
