package eventtype

import (
	"fmt"
	"maps"
)

// kind classifies what the abstract interpreter knows about a register or a
// spilled stack slot. Only what leads to an event's map, data and size is tracked.
type kind uint8

const (
	unknown   kind = iota
	constant       // a known scalar: n
	stackPtr       // frame pointer of frame + n
	mapPtr         // the map itself (ld_imm64 of a map): the argument of helpers
	mapValue       // bpf_map_lookup_elem(mapName, …) + n
	ringRec        // bpf_ringbuf_reserve(mapName, size) + n
	globalPtr      // a global variable's section (mapName: ".bss", ".data", …) + n
)

// value is one abstract register or stack-slot content. It is comparable, so the
// join of two states keeps a value only where both paths agree.
type value struct {
	kind    kind
	n       int64  // the constant, or the offset from the pointer's base
	mapName string // mapPtr, mapValue, ringRec
	frame   int    // stackPtr: which call frame the pointer points into

	// mapValue and ringRec: the helper call that produced the pointer (index + 1
	// into the program's instructions, in function originFn). DWARF can say which
	// variable holds the result right after that call.
	origin   int
	originFn string
}

func (v value) String() string {
	switch v.kind {
	case constant:
		return fmt.Sprint(v.n)
	case stackPtr:
		return fmt.Sprintf("fp%d%+d", v.frame, v.n)
	case mapPtr:
		return v.mapName
	case mapValue:
		return fmt.Sprintf("value of %s%+d", v.mapName, v.n)
	case ringRec:
		return fmt.Sprintf("record of %s%+d", v.mapName, v.n)
	case globalPtr:
		return fmt.Sprintf("%s%+d", v.mapName, v.n)
	}
	return "?"
}

// slot names one 8-byte stack slot of one frame; spills and fills go through it.
type slot struct {
	frame int
	off   int64
}

// state is the abstract machine state before one instruction.
type state struct {
	regs  [16]value // R0–R10; 16 so that any 4-bit register field of a corrupt object indexes safely
	stack map[slot]value
}

func (s *state) clone() *state {
	return &state{regs: s.regs, stack: maps.Clone(s.stack)}
}

// join merges other into s, keeping only facts both agree on; it reports whether
// s changed, which drives the fixpoint loop.
func (s *state) join(other *state) bool {
	changed := false
	for i := range s.regs {
		if v := meet(s.regs[i], other.regs[i]); v != s.regs[i] {
			s.regs[i] = v
			changed = true
		}
	}
	for k, v := range s.stack {
		ov, ok := other.stack[k]
		if !ok {
			delete(s.stack, k)
			changed = true
			continue
		}
		if m := meet(v, ov); m != v {
			if m.kind == unknown {
				delete(s.stack, k)
			} else {
				s.stack[k] = m
			}
			changed = true
		}
	}
	return changed
}

// meet is what two paths agree on: the value itself, the same pointer with its
// origin forgotten (two lookups of one map still give that map's value), or
// unknown.
func meet(a, b value) value {
	if a == b {
		return a
	}
	a.origin, a.originFn, b.origin, b.originFn = 0, "", 0, ""
	if a == b {
		return a
	}
	return value{}
}
