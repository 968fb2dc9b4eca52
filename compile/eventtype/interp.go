package eventtype

import (
	"maps"

	"github.com/cilium/ebpf/asm"
)

// site is one call that puts a record into an event map, as the interpreter saw it.
type site struct {
	code    *code
	at      int             // index of the call instruction
	fn      string          // function whose instructions make the call
	helper  asm.BuiltinFunc // FnRingbufReserve, FnRingbufOutput, FnPerfEventOutput, …
	mapName string
	data    value  // the record's address (unknown for reserve: the record is the result)
	dataFn  string // for stack data: the function that owns the frame
	size    value
}

// code is one program's instructions (entry function plus linked subprograms),
// indexed for jumps and calls.
type code struct {
	insns asm.Instructions
	byRaw map[asm.RawInstructionOffset]int // raw offset → index, for jump targets
	raw   []asm.RawInstructionOffset
	funcs map[string][2]int // symbol → [start, end) indices
}

func newCode(insns asm.Instructions) *code {
	c := &code{insns: insns, byRaw: map[asm.RawInstructionOffset]int{}, funcs: map[string][2]int{}}
	iter := insns.Iterate()
	last := ""
	for iter.Next() {
		c.byRaw[iter.Offset] = iter.Index
		c.raw = append(c.raw, iter.Offset)
		if sym := iter.Ins.Symbol(); sym != "" {
			if last != "" {
				c.funcs[last] = [2]int{c.funcs[last][0], iter.Index}
			}
			c.funcs[sym] = [2]int{iter.Index, len(insns)}
			last = sym
		}
	}
	return c
}

// analysis runs the abstract interpreter over every program of an object and
// collects the event sites plus what is needed to map stack addresses to DWARF
// variables.
type analysis struct {
	sites    []site
	frames   []string         // frame id → function owning it
	minDepth map[string]int64 // function → lowest stack offset it touches (≤ 0)
	done     map[string]bool  // memo: function + argument values already analyzed
	steps    int              // work budget, so a pathological object cannot hang a build
}

// maxSteps bounds the work on one object; libbpf-tools' largest programs need a
// few thousand; the bound keeps the worst case near a second.
const maxSteps = 2_000_000

// maxDepth bounds BPF-to-BPF call nesting (the kernel allows 8 frames).
const maxDepth = 8

func newAnalysis() *analysis {
	return &analysis{minDepth: map[string]int64{}, done: map[string]bool{}}
}

// root analyzes one program (or callback) from its entry with an unknown context.
func (a *analysis) root(c *code, fn string) {
	st := &state{stack: map[slot]value{}}
	a.call(c, fn, st, 0)
}

// call analyzes function fn entered with the argument registers of caller state.
func (a *analysis) call(c *code, fn string, caller *state, depth int) {
	span, ok := c.funcs[fn]
	if !ok || depth > maxDepth {
		return
	}
	key := fn
	for r := asm.R1; r <= asm.R5; r++ {
		key += "|" + caller.regs[r].String()
	}
	if a.done[key] {
		return
	}
	a.done[key] = true

	frame := len(a.frames)
	a.frames = append(a.frames, fn)
	entry := &state{stack: maps.Clone(caller.stack)}
	for r := asm.R1; r <= asm.R5; r++ {
		entry.regs[r] = caller.regs[r]
	}
	entry.regs[asm.R10] = value{kind: stackPtr, frame: frame}

	in := make([]*state, span[1]-span[0])
	in[0] = entry
	work := []int{0}
	for len(work) > 0 && a.steps < maxSteps {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		a.steps++
		st := in[i].clone()
		for _, next := range a.step(c, span[0]+i, st, fn, depth, false) {
			j := next - span[0]
			if j < 0 || j >= len(in) {
				continue
			}
			if in[j] == nil {
				in[j] = st.clone()
				work = append(work, j)
			} else if in[j].join(st) {
				work = append(work, j)
			}
		}
	}
	// At the fixpoint each call sees the join of every path to it: record sites
	// and follow callees once, with those states.
	for i, st := range in {
		if st != nil {
			a.step(c, span[0]+i, st.clone(), fn, depth, true)
		}
	}
}

// step applies instruction i to st and returns the indices that may run next.
// With final set it also records event sites and descends into callees.
func (a *analysis) step(c *code, i int, st *state, fn string, depth int, final bool) []int {
	ins := c.insns[i]
	next := []int{i + 1}
	op := ins.OpCode
	switch op.Class() {
	case asm.ALUClass, asm.ALU64Class:
		a.alu(ins, st)
	case asm.LdClass:
		switch {
		case ins.OpCode == asm.LoadImmOp(asm.DWord) && ins.Src == asm.PseudoMapFD:
			st.regs[ins.Dst] = value{kind: mapPtr, mapName: ins.Reference()}
		case ins.OpCode == asm.LoadImmOp(asm.DWord) && ins.Src == asm.PseudoMapValue:
			// The offset into the data section sits in the immediate's upper half.
			st.regs[ins.Dst] = value{kind: globalPtr, mapName: ins.Reference(), n: int64(uint64(ins.Constant) >> 32)}
		case ins.OpCode == asm.LoadImmOp(asm.DWord) && ins.Src == asm.R0:
			st.regs[ins.Dst] = value{kind: constant, n: ins.Constant}
		case ins.IsLoadOfFunctionPointer():
			// A callback (bpf_loop, for_each_map_elem, timers) may emit events too.
			if final {
				a.root(c, ins.Reference())
			}
			st.regs[ins.Dst] = value{}
		case ins.OpCode == asm.LoadImmOp(asm.DWord):
			st.regs[ins.Dst] = value{}
		default: // legacy packet loads clobber R0–R5
			for r := asm.R0; r <= asm.R5; r++ {
				st.regs[r] = value{}
			}
		}
	case asm.LdXClass:
		base := st.regs[ins.Src]
		v := value{}
		if base.kind == stackPtr {
			off := base.n + int64(ins.Offset)
			a.touch(base, off)
			if op.Size() == asm.DWord && op.Mode() == asm.MemMode {
				v = st.stack[slot{base.frame, off}]
			}
		}
		st.regs[ins.Dst] = v
	case asm.StClass, asm.StXClass:
		base := st.regs[ins.Dst]
		if op.Mode() == asm.AtomicMode {
			st.regs[asm.R0] = value{}
			st.regs[ins.Src] = value{}
		}
		if base.kind != stackPtr {
			break
		}
		off := base.n + int64(ins.Offset)
		a.touch(base, off)
		width := int64(op.Size().Sizeof())
		for s := off &^ 7; s < off+width; s += 8 {
			delete(st.stack, slot{base.frame, s})
		}
		if op.Size() == asm.DWord && op.Mode() == asm.MemMode {
			v := value{kind: constant, n: ins.Constant}
			if op.Class() == asm.StXClass {
				v = st.regs[ins.Src]
			}
			st.stack[slot{base.frame, off}] = v
		}
	case asm.JumpClass, asm.Jump32Class:
		return a.jump(c, i, st, fn, depth, final)
	}
	return next
}

// jump handles calls, exits and branches. Branch conditions are not used to refine
// values: both sides are taken.
func (a *analysis) jump(c *code, i int, st *state, fn string, depth int, final bool) []int {
	ins := c.insns[i]
	switch ins.OpCode.JumpOp() {
	case asm.Exit:
		return nil
	case asm.Call:
		switch {
		case ins.IsBuiltinCall():
			a.helper(c, i, asm.BuiltinFunc(ins.Constant), st, fn, final)
		case ins.IsFunctionCall() && final:
			a.call(c, ins.Reference(), st, depth+1)
		}
		for r := asm.R0; r <= asm.R5; r++ {
			if r != asm.R0 || !ins.IsBuiltinCall() {
				st.regs[r] = value{}
			}
		}
		return []int{i + 1}
	}
	off := int64(ins.Offset)
	if ins.OpCode.Class() == asm.Jump32Class && ins.OpCode.JumpOp() == asm.Ja {
		off = ins.Constant // gotol keeps its offset in the immediate
	}
	target, ok := c.byRaw[c.raw[i]+1+asm.RawInstructionOffset(off)]
	if ins.OpCode.JumpOp() == asm.Ja {
		if !ok {
			return nil
		}
		return []int{target}
	}
	if !ok {
		return []int{i + 1}
	}
	return []int{i + 1, target}
}

// helper models the helpers that matter and records event sites. Every helper
// clobbers R1–R5; the caller resets them, helper sets R0.
func (a *analysis) helper(c *code, i int, fnID asm.BuiltinFunc, st *state, fn string, final bool) {
	r := st.regs
	record := func(m, data, size value) {
		if !final || m.kind != mapPtr {
			return
		}
		s := site{code: c, at: i, fn: fn, helper: fnID, mapName: m.mapName, data: data, size: size}
		if data.kind == stackPtr && data.frame < len(a.frames) {
			s.dataFn = a.frames[data.frame]
		}
		a.sites = append(a.sites, s)
	}
	result := value{}
	switch fnID {
	case asm.FnMapLookupElem, asm.FnMapLookupPercpuElem:
		if r[asm.R1].kind == mapPtr {
			result = value{kind: mapValue, mapName: r[asm.R1].mapName, origin: i + 1, originFn: fn}
		}
	case asm.FnRingbufReserve:
		record(r[asm.R1], value{}, r[asm.R2])
		if r[asm.R1].kind == mapPtr {
			result = value{kind: ringRec, mapName: r[asm.R1].mapName, origin: i + 1, originFn: fn}
		}
	case asm.FnRingbufReserveDynptr:
		record(r[asm.R1], value{}, r[asm.R2])
	case asm.FnRingbufOutput:
		record(r[asm.R1], r[asm.R2], r[asm.R3])
	case asm.FnPerfEventOutput, asm.FnSkbOutput, asm.FnXdpOutput:
		record(r[asm.R2], r[asm.R4], r[asm.R5])
	}
	st.regs[asm.R0] = result
}

// alu applies arithmetic: constants fold, pointers move by constants, anything
// else becomes unknown.
func (a *analysis) alu(ins asm.Instruction, st *state) {
	op := ins.OpCode.ALUOp()
	dst := st.regs[ins.Dst]
	src := value{kind: constant, n: ins.Constant}
	if ins.OpCode.Source() == asm.RegSource {
		src = st.regs[ins.Src]
	}
	is32 := ins.OpCode.Class() == asm.ALUClass
	var out value
	switch {
	case op == asm.Mov && ins.Offset == 0: // Offset ≠ 0 is movsx
		out = src
	case op == asm.Add && dst.kind > constant && src.kind == constant:
		out, out.n = dst, dst.n+src.n
	case op == asm.Add && dst.kind == constant && src.kind > constant:
		out, out.n = src, src.n+dst.n
	case op == asm.Sub && dst.kind > constant && src.kind == constant:
		out, out.n = dst, dst.n-src.n
	case op == asm.Sub && dst.kind > constant && src.kind == dst.kind && src.frame == dst.frame && src.mapName == dst.mapName:
		out = value{kind: constant, n: dst.n - src.n}
	case dst.kind == constant && src.kind == constant:
		out = fold(op, dst.n, src.n, is32)
	}
	if is32 {
		if out.kind != constant {
			out = value{}
		} else {
			out.n = int64(uint32(out.n))
		}
	}
	if out.kind == stackPtr {
		a.touch(out, out.n)
	}
	st.regs[ins.Dst] = out
}

// fold computes the ALU operations compilers use to build sizes and offsets.
func fold(op asm.ALUOp, x, y int64, is32 bool) value {
	if is32 {
		x, y = int64(uint32(x)), int64(uint32(y))
	}
	c := func(n int64) value { return value{kind: constant, n: n} }
	switch op {
	case asm.Add:
		return c(x + y)
	case asm.Sub:
		return c(x - y)
	case asm.Mul:
		return c(x * y)
	case asm.And:
		return c(x & y)
	case asm.Or:
		return c(x | y)
	case asm.Xor:
		return c(x ^ y)
	case asm.LSh:
		return c(x << (uint64(y) & 63))
	case asm.RSh:
		if is32 {
			return c(int64(uint32(x) >> (uint64(y) & 31)))
		}
		return c(int64(uint64(x) >> (uint64(y) & 63)))
	case asm.Neg:
		return c(-x)
	}
	return value{}
}

// touch remembers the lowest stack offset each function uses: it locates the
// bottom of the frame, which is where DWARF's DW_OP_fbreg offsets count from.
func (a *analysis) touch(p value, off int64) {
	if p.frame >= len(a.frames) {
		return
	}
	if owner := a.frames[p.frame]; off < a.minDepth[owner] {
		a.minDepth[owner] = off
	}
}
