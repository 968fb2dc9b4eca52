package mapview

import "github.com/cilium/ebpf/asm"

// flow lets a walk over a program's instructions follow its jumps: branch
// offsets count raw 8-byte instructions, while a 64-bit immediate load is
// one asm.Instruction but two raw ones.
type flow struct {
	insns asm.Instructions
	raw   []int       // raw offset of each instruction
	index map[int]int // instruction index at each raw offset
}

func newFlow(insns asm.Instructions) *flow {
	f := &flow{insns: insns, raw: make([]int, len(insns)), index: make(map[int]int, len(insns))}
	it := insns.Iterate()
	for it.Next() {
		f.raw[it.Index] = int(it.Offset)
		f.index[int(it.Offset)] = it.Index
	}
	return f
}

// target returns the index a jump at i lands on, when it lands on an
// instruction of this program.
func (f *flow) target(i int) (int, bool) {
	ins := f.insns[i]
	off := int(ins.Offset)
	if ins.OpCode.Class() == asm.Jump32Class && ins.OpCode.JumpOp() == asm.Ja {
		off = int(ins.Constant) // gotol keeps its offset in the immediate
	}
	j, ok := f.index[f.raw[i]+1+off]
	return j, ok
}

// maxFlow bounds the instructions one writesThrough visits over all paths:
// a map's value is used close to its lookup.
const maxFlow = 256

// walker follows a pointer forward along every path, each instruction once.
type walker struct {
	fl   *flow
	seen map[int]bool
	best write
}

// writesThrough reports the strongest write the code after index i makes
// through the pointer that reg holds there (a looked-up map value, a
// global's address), following it through moves, pointer arithmetic and
// both sides of every branch.
func writesThrough(fl *flow, i int, reg asm.Register) write {
	w := walker{fl: fl, seen: map[int]bool{}}
	w.walk(i+1, map[asm.Register]bool{reg: true}, map[asm.Register]memRef{})
	return w.best
}

// walk follows one path from j with its own register state.
func (w *walker) walk(j int, tracked map[asm.Register]bool, loaded map[asm.Register]memRef) {
	insns := w.fl.insns
	for ; j < len(insns) && len(tracked) > 0 && w.best != adds; j++ {
		if w.seen[j] || len(w.seen) >= maxFlow {
			return
		}
		w.seen[j] = true
		ins := insns[j]
		switch op := ins.OpCode.JumpOp(); {
		case op == asm.Exit:
			return
		case op == asm.Ja:
			t, ok := w.fl.target(j)
			if !ok {
				return
			}
			j = t - 1
			continue
		case op == asm.Call:
			for r := asm.R0; r <= asm.R5; r++ {
				delete(tracked, r)
				delete(loaded, r)
			}
			continue
		case op != asm.InvalidJumpOp:
			if t, ok := w.fl.target(j); ok {
				w.walk(t, clone(tracked), clone(loaded))
			}
			continue
		}
		w.best = max(w.best, step(ins, tracked, loaded))
	}
}

func clone[V any](m map[asm.Register]V) map[asm.Register]V {
	out := make(map[asm.Register]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// step updates what the registers hold after ins and returns the write it
// makes through a tracked pointer.
func step(ins asm.Instruction, tracked map[asm.Register]bool, loaded map[asm.Register]memRef) write {
	cls := ins.OpCode.Class()
	switch {
	case cls == asm.StXClass && ins.OpCode.Mode() == asm.AtomicMode && tracked[ins.Dst]:
		if a := ins.OpCode.AtomicOp(); a == asm.AddAtomic || a == asm.FetchAdd {
			return adds
		}
		return stores
	case (cls == asm.StClass || cls == asm.StXClass) && tracked[ins.Dst]:
		if ref, ok := loaded[ins.Src]; ok && cls == asm.StXClass && ref == (memRef{ins.Dst, ins.Offset}) {
			return adds // x = *p; x += n; *p = x
		}
		return stores
	case isMovReg(ins):
		moveTracking(tracked, ins)
		moveTracking(loaded, ins)
	case cls == asm.LdXClass && tracked[ins.Src]:
		delete(tracked, ins.Dst)
		loaded[ins.Dst] = memRef{ins.Src, ins.Offset}
	case isAdd(ins):
		// Pointer arithmetic keeps a pointer tracked (a register operand is
		// an index into the value); a loaded value plus something is still
		// on its way back to where it came from.
		if cls == asm.ALU64Class && ins.OpCode.Source() == asm.RegSource && tracked[ins.Src] {
			tracked[ins.Dst] = true
		} else if cls != asm.ALU64Class {
			delete(tracked, ins.Dst)
		}
	case writesRegister(ins):
		delete(tracked, ins.Dst)
		delete(loaded, ins.Dst)
	}
	return noWrite
}

// write is what the code after a pointer's load does through it.
type write int

const (
	noWrite write = iota
	// stores: a plain store (state, a struct being filled in).
	stores
	// adds: an atomic add, or a load, add and store back to the same place:
	// a counter.
	adds
)

// memRef is where a register's value was loaded from: base register and offset.
type memRef struct {
	base   asm.Register
	offset int16
}

// moveTracking makes a register move carry what set knows of its source.
func moveTracking[V any](set map[asm.Register]V, mov asm.Instruction) {
	if v, ok := set[mov.Src]; ok {
		set[mov.Dst] = v
	} else {
		delete(set, mov.Dst)
	}
}

// isAdd reports whether ins adds to its destination register.
func isAdd(ins asm.Instruction) bool {
	cls := ins.OpCode.Class()
	return (cls == asm.ALU64Class || cls == asm.ALUClass) && ins.OpCode.ALUOp() == asm.Add
}
