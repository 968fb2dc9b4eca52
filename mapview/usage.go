package mapview

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// usage records what the programs do to each map, as far as the instructions
// tell. It separates aggregations (counts, histograms, stack counts) from
// bookkeeping such as start-timestamp maps, which are also updated but are
// overwritten with BPF_ANY and only ever read back.
type usage struct {
	updated  map[string]bool // bpf_map_update_elem
	noExist  map[string]bool // … with BPF_NOEXIST: lookup-or-init of a counter
	lookedUp map[string]bool // bpf_map_lookup_elem
	written  map[string]bool // a looked-up value is stored into
	deleted  map[string]bool // bpf_map_delete_elem
	stacks   map[string]bool // bpf_get_stackid's map
	counted  map[string]bool // .bss/.data globals added to: counters
}

// aggregate reports whether the programs accumulate data in the map: they
// add keys and never delete them, and either create keys only when missing,
// write through looked-up values, or never read the map at all.
func (u usage) aggregate(name string) bool {
	return u.updated[name] && !u.deleted[name] &&
		(u.noExist[name] || u.written[name] || !u.lookedUp[name])
}

// bpfNoExist is the update flag BPF_NOEXIST.
const bpfNoExist = 1

// scanUsage walks every program of spec once.
func scanUsage(spec *ebpf.CollectionSpec) usage {
	u := usage{
		updated: map[string]bool{}, noExist: map[string]bool{}, lookedUp: map[string]bool{},
		written: map[string]bool{}, deleted: map[string]bool{}, stacks: map[string]bool{},
		counted: map[string]bool{},
	}
	for _, prog := range spec.Programs {
		insns := prog.Instructions
		fl := newFlow(insns)
		for i, ins := range insns {
			if ins.IsLoadFromMap() && ins.Src == asm.PseudoMapValue {
				// A global's address: softirqs' counts[vec]++ is an atomic
				// add through it; a plain store is state, as cpufreq's
				// freqs_mhz[cpu] = freq is.
				if name := globalAt(spec, ins); name != "" && writesThrough(fl, i, ins.Dst) == adds {
					u.counted[name] = true
				}
				continue
			}
			if !ins.IsBuiltinCall() {
				continue
			}
			switch asm.BuiltinFunc(ins.Constant) {
			case asm.FnMapUpdateElem:
				name := mapArg(insns, i, asm.R1)
				mark(u.updated, name)
				if def, ok := definition(insns, i, asm.R4); ok && isMovImm(def, bpfNoExist) {
					mark(u.noExist, name)
				}
			case asm.FnMapLookupElem:
				name := mapArg(insns, i, asm.R1)
				mark(u.lookedUp, name)
				if writesThrough(fl, i, asm.R0) != noWrite {
					mark(u.written, name)
				}
			case asm.FnMapDeleteElem:
				mark(u.deleted, mapArg(insns, i, asm.R1))
			case asm.FnGetStackid:
				mark(u.stacks, mapArg(insns, i, asm.R2))
			}
		}
	}
	return u
}

// globalAt names the variable a direct load of a data section's address
// points into: the one holding the load's offset. The ELF reader names the
// section, not the variable, and clang loads each global's own address
// before indexing it.
func globalAt(spec *ebpf.CollectionSpec, ins asm.Instruction) string {
	section, offset := ins.Reference(), uint32(uint64(ins.Constant)>>32)
	for name, vs := range spec.Variables {
		if vs.SectionName == section && vs.Offset <= offset && offset < vs.Offset+uint32(vs.Size()) {
			return name
		}
	}
	return ""
}

func mark(set map[string]bool, name string) {
	if name != "" {
		set[name] = true
	}
}

// maxWalk bounds the searches around a call: clang loads a map pointer a few
// instructions before the call and uses the result soon after.
const maxWalk = 64

// mapArg names the map whose pointer register reg holds at the call at index
// i, or "" when the instructions do not say.
func mapArg(insns asm.Instructions, i int, reg asm.Register) string {
	def, ok := definition(insns, i, reg)
	if ok && def.IsLoadFromMap() && def.Src == asm.PseudoMapFD {
		return def.Reference()
	}
	return ""
}

// definition finds the instruction that last set reg before index i,
// walking back and following register moves (a map pointer may sit in a
// callee-saved register across a loop). Unlike exact data-flow analysis it
// walks through conditional jumps as if falling through: the answer only
// classifies maps for display, and clang rematerialises constants and map
// pointers next to their use.
func definition(insns asm.Instructions, i int, reg asm.Register) (asm.Instruction, bool) {
	for j, steps := i-1, 0; j >= 0 && steps < maxWalk; j, steps = j-1, steps+1 {
		ins := insns[j]
		switch op := ins.OpCode.JumpOp(); {
		case op == asm.Exit || op == asm.Ja:
			return asm.Instruction{}, false // the code above does not flow here
		case op == asm.Call:
			if reg <= asm.R5 {
				return asm.Instruction{}, false // a call clobbers R0–R5
			}
			continue
		case op != asm.InvalidJumpOp:
			continue
		}
		if ins.Dst != reg || !writesRegister(ins) {
			continue
		}
		if isMovReg(ins) {
			reg = ins.Src
			continue
		}
		return ins, true
	}
	return asm.Instruction{}, false
}

// isMovReg reports whether ins is a 64-bit register-to-register move.
func isMovReg(ins asm.Instruction) bool {
	return ins.OpCode.Class() == asm.ALU64Class && ins.OpCode.ALUOp() == asm.Mov &&
		ins.OpCode.Source() == asm.RegSource && ins.Offset == 0
}

// isMovImm reports whether ins sets its register to the constant c.
func isMovImm(ins asm.Instruction, c int64) bool {
	return ins.OpCode.ALUOp() == asm.Mov && ins.OpCode.Source() == asm.ImmSource &&
		(ins.OpCode.Class() == asm.ALU64Class || ins.OpCode.Class() == asm.ALUClass) && ins.Constant == c
}

// writesRegister reports whether ins assigns its destination register, as
// opposed to storing through it.
func writesRegister(ins asm.Instruction) bool {
	switch ins.OpCode.Class() {
	case asm.ALUClass, asm.ALU64Class, asm.LdClass, asm.LdXClass:
		return true
	}
	return false
}
