package eventtype

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// resolver turns event sites into struct types.
type resolver struct {
	spec *ebpf.CollectionSpec
	x    *debugIndex
	a    *analysis
}

func (r *resolver) override(mapName, want string) (Result, error) {
	bare := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(want), "struct "))
	st := r.x.byName["struct "+bare]
	if st == nil {
		st = r.x.byName[bare]
	}
	if st == nil {
		return Result{}, fmt.Errorf("event type override %s=%s: no struct or typedef %q in the object's debug info; the struct must be used somewhere in the program (and the object built with -g)", mapName, want, bare)
	}
	return Result{Map: mapName, Struct: st.name, Size: st.size, Evidence: "chosen by the user"}, nil
}

// resolve combines what every site writing to one map says: the structs all sites
// agree on, or, when they disagree, every struct any of them names. A site that
// says nothing (unknown data of unknown size) is skipped when another one speaks.
func (r *resolver) resolve(mapName string, sites []site) (Result, error) {
	var common, union []*structType
	var evidence []string
	var firstErr error
	for _, s := range sites {
		cands, why, err := r.candidates(mapName, s)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		for _, c := range cands {
			if !slices.Contains(union, c) {
				union = append(union, c)
			}
		}
		if evidence == nil {
			common = cands
		} else {
			common = slices.DeleteFunc(slices.Clone(common), func(c *structType) bool { return !slices.Contains(cands, c) })
		}
		evidence = append(evidence, why)
	}
	if evidence == nil {
		return Result{}, firstErr
	}
	cands := common
	if len(cands) == 0 {
		cands = union
	}
	chosen, rule := prefer(cands, mapName)
	if len(chosen) != 1 {
		return Result{}, &AmbiguousError{Map: mapName, Candidates: sortedNames(chosen)}
	}
	ev := evidence[0]
	if len(sites) > 1 {
		ev += fmt.Sprintf(" (and %d more call sites)", len(sites)-1)
	}
	if rule != "" {
		ev += "; " + rule
	}
	return Result{Map: mapName, Struct: chosen[0].name, Size: chosen[0].size, Evidence: ev}, nil
}

// candidates lists the structs one site may send, strongest evidence first: a map
// value whose BTF type is a struct; the pointer variable DWARF places in the
// register holding a reserved record or looked-up value; the struct-typed global
// or stack variable at the data's address; then the structs of the record's size
// that the emitting function uses, or failing that its compile unit.
func (r *resolver) candidates(mapName string, s site) ([]*structType, string, error) {
	call := fmt.Sprintf("%s(%s, %s) in %s", helperName(s.helper), mapName, sizeText(s.size), s.fn)
	size, sized := s.size.n, s.size.kind == constant
	fits := func(st *structType) bool { return !sized || int64(st.size) == size }

	if s.data.kind == mapValue && s.data.n == 0 {
		if st := r.mapValueStruct(s.data.mapName); st != nil && fits(st) {
			return []*structType{st}, fmt.Sprintf("%s sends a value of map %s", call, s.data.mapName), nil
		}
	}
	// A record may be larger than the struct its pointer has: a header followed by
	// variable data.
	starts := func(st *structType) bool { return !sized || int64(st.size) <= size }
	if s.helper == asm.FnRingbufReserve {
		if st := r.heldBy(s.code, s.fn, s.at, starts); st != nil {
			return []*structType{st}, fmt.Sprintf("%s, whose result a %s * variable holds", call, st.name), nil
		}
	}
	if (s.data.kind == mapValue || s.data.kind == ringRec) && s.data.n == 0 && s.data.origin > 0 {
		if st := r.heldBy(s.code, s.data.originFn, s.data.origin-1, starts); st != nil {
			return []*structType{st}, fmt.Sprintf("%s sends %s that a %s * variable holds", call, dataText(s.data), st.name), nil
		}
	}
	if s.data.kind == globalPtr {
		if name, st := r.globalStruct(s.data.mapName, s.data.n); st != nil && fits(st) {
			return []*structType{st}, fmt.Sprintf("%s sends global variable %s", call, name), nil
		}
	}
	if s.data.kind == stackPtr {
		if st := r.stackStruct(s.dataFn, s.data.n, fits); st != nil {
			return []*structType{st}, fmt.Sprintf("%s sends a stack variable of type %s", call, st.name), nil
		}
	}
	if !sized || size <= 0 {
		return nil, "", fmt.Errorf("cannot infer the event type of map %s: %s sends %s of a size known only at run time; name the struct with `nomia build --event-type %s=STRUCT` or a source line `// nomia:event-type %s STRUCT`",
			mapName, call, dataText(s.data), mapName, mapName)
	}
	var cands []*structType
	for _, fn := range []string{s.fn, s.dataFn} {
		if fs := r.x.funcs[fn]; fs != nil {
			for _, st := range fs.structs {
				if fits(st) && !slices.Contains(cands, st) {
					cands = append(cands, st)
				}
			}
		}
	}
	if len(cands) > 0 {
		return cands, fmt.Sprintf("%s; %d-byte structs used in %s: %s", call, size, s.fn, strings.Join(sortedNames(cands), ", ")), nil
	}
	cu := -1
	if fs := r.x.funcs[s.fn]; fs != nil {
		cu = fs.cu
	}
	for i, types := range r.x.cuTypes {
		if cu >= 0 && i != cu {
			continue
		}
		for _, st := range types {
			if fits(st) {
				cands = append(cands, st)
			}
		}
	}
	if len(cands) == 0 {
		return nil, "", fmt.Errorf("cannot infer the event type of map %s: %s, but the debug info has no %d-byte struct; name it with `nomia build --event-type %s=STRUCT` or a source line `// nomia:event-type %s STRUCT`",
			mapName, call, size, mapName, mapName)
	}
	return cands, fmt.Sprintf("%s; %d-byte structs of the compile unit: %s", call, size, strings.Join(sortedNames(cands), ", ")), nil
}

// mapValueStruct is the struct a map's BTF declares as its value (the "heap" map
// of libbpf-tools).
func (r *resolver) mapValueStruct(name string) *structType {
	if m := r.spec.Maps[name]; m != nil && m.Value != nil {
		return r.btfStruct(m.Value)
	}
	return nil
}

// btfStruct turns a BTF struct type (possibly behind typedefs and qualifiers)
// into the DWARF struct of the same spelling and size, or one built from BTF
// alone when DWARF lacks it.
func (r *resolver) btfStruct(t btf.Type) *structType {
	s, ok := btf.UnderlyingType(t).(*btf.Struct)
	if !ok {
		return nil
	}
	spelled := "struct " + s.Name
	if s.Name == "" { // a typedef of an anonymous struct
		td, ok := btf.QualifiedType(t).(*btf.Typedef)
		if !ok || td.Name == "" {
			return nil
		}
		spelled = td.Name
	}
	if st := r.x.byName[spelled]; st != nil && st.size == int(s.Size) {
		return st
	}
	return &structType{name: spelled, size: int(s.Size)}
}

// globalStruct finds the struct-typed global variable that starts at offset off of
// a data section; globals keep their types in BTF.
func (r *resolver) globalStruct(section string, off int64) (string, *structType) {
	for name, v := range r.spec.Variables {
		if v.SectionName != section || int64(v.Offset) != off || v.Type == nil {
			continue
		}
		if st := r.btfStruct(v.Type.Type); st != nil {
			return name, st
		}
	}
	return "", nil
}

// stackStruct finds the struct variable of fn's frame that starts at stack offset
// off (from R10). DWARF counts DW_OP_fbreg from the bottom of the frame, whose size
// is not recorded: it is the deepest offset touched, or the extent of the frame's
// variables, rounded to 8 bytes.
func (r *resolver) stackStruct(fn string, off int64, fits func(*structType) bool) *structType {
	fs := r.x.funcs[fn]
	if fs == nil {
		return nil
	}
	for _, frame := range []int64{roundUp8(-r.a.minDepth[fn]), roundUp8(fs.extent)} {
		var found *structType
		for _, v := range fs.stack {
			if v.offset-frame == off && fits(v.st) {
				if found != nil && found != v.st {
					found = nil
					break
				}
				found = v.st
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// heldBy names the struct of the pointer variable that holds the result of helper
// call number call of function fn: the call's R0 is followed through register
// copies over the next instructions, and DWARF location lists say which variable
// lives in one of those registers there.
func (r *resolver) heldBy(c *code, fn string, call int, fits func(*structType) bool) *structType {
	fs := r.x.funcs[fn]
	span, ok := c.funcs[fn]
	if fs == nil || !ok || len(fs.ptrs) == 0 {
		return nil
	}
	holds := map[asm.Register]bool{asm.R0: true}
	for j := call + 1; j < span[1] && j <= call+lookahead && len(holds) > 0; j++ {
		pc := fs.lowPC + uint64(c.raw[j]-c.raw[span[0]])*asm.InstructionSize
		var found *structType
		for _, v := range fs.ptrs {
			for _, loc := range v.regs {
				if !holds[asm.Register(loc.reg)] || pc < loc.lo || pc >= loc.hi || !fits(v.st) {
					continue
				}
				if found != nil && found != v.st {
					return nil // two struct types in the same register: no answer
				}
				found = v.st
			}
		}
		if found != nil {
			return found
		}
		ins := c.insns[j]
		switch {
		case ins.OpCode.JumpOp() == asm.Exit || ins.OpCode.JumpOp() == asm.Ja:
			return nil
		case ins.OpCode.JumpOp() == asm.Call:
			for reg := asm.R0; reg <= asm.R5; reg++ {
				delete(holds, reg)
			}
		case ins.OpCode.Class() == asm.ALU64Class && ins.OpCode.ALUOp() == asm.Mov &&
			ins.OpCode.Source() == asm.RegSource && ins.Offset == 0:
			if holds[ins.Src] {
				holds[ins.Dst] = true
			} else {
				delete(holds, ins.Dst)
			}
		case writesDst(ins):
			delete(holds, ins.Dst)
		}
	}
	return nil
}

// lookahead is how far past a helper call heldBy looks for the variable that
// takes the result; compilers move it into a callee-saved register at once.
const lookahead = 16

// writesDst tells whether an instruction overwrites its destination register.
func writesDst(ins asm.Instruction) bool {
	switch ins.OpCode.Class() {
	case asm.ALUClass, asm.ALU64Class, asm.LdClass, asm.LdXClass:
		return true
	}
	return false
}

// prefer narrows candidates by the rules that separate event structs from the
// rest: not a kernel type, named like the map, named "event". A rule applies only
// when it keeps some; the text says which rule decided.
func prefer(cands []*structType, mapName string) ([]*structType, string) {
	if len(cands) <= 1 {
		return cands, ""
	}
	mapLike := strings.TrimSuffix(strings.ToLower(mapName), "s")
	rules := []struct {
		why  string
		keep func(st *structType) bool
	}{
		{"not from vmlinux.h", func(st *structType) bool { return !st.kernel }},
		{"named like the map", func(st *structType) bool {
			bare := strings.ToLower(strings.TrimPrefix(st.name, "struct "))
			return len(mapLike) >= 2 && strings.Contains(bare, mapLike)
		}},
		{`named "event"`, func(st *structType) bool { return strings.Contains(strings.ToLower(st.name), "event") }},
	}
	var why []string
	for _, rule := range rules {
		kept := slices.DeleteFunc(slices.Clone(cands), func(st *structType) bool { return !rule.keep(st) })
		if len(kept) > 0 && len(kept) < len(cands) {
			cands = kept
			why = append(why, rule.why)
		}
		if len(cands) == 1 {
			break
		}
	}
	if len(why) == 0 {
		return cands, ""
	}
	return cands, "preferred: " + strings.Join(why, ", ")
}

func roundUp8(n int64) int64 { return (n + 7) &^ 7 }

func helperName(fn asm.BuiltinFunc) string {
	switch fn {
	case asm.FnRingbufReserve:
		return "bpf_ringbuf_reserve"
	case asm.FnRingbufReserveDynptr:
		return "bpf_ringbuf_reserve_dynptr"
	case asm.FnRingbufOutput:
		return "bpf_ringbuf_output"
	case asm.FnPerfEventOutput:
		return "bpf_perf_event_output"
	case asm.FnSkbOutput:
		return "bpf_skb_output"
	case asm.FnXdpOutput:
		return "bpf_xdp_output"
	}
	return fn.String()
}

func sizeText(v value) string {
	if v.kind == constant {
		return fmt.Sprint(v.n)
	}
	return "len"
}

func dataText(v value) string {
	switch v.kind {
	case stackPtr:
		return "stack data"
	case mapValue:
		return "a value of map " + v.mapName
	case globalPtr:
		return "global data in " + v.mapName
	case unknown:
		return "a record"
	}
	return "data"
}

// sortedNames returns the structs' C spellings in order.
func sortedNames(sts []*structType) []string {
	s := make([]string, len(sts))
	for i, st := range sts {
		s[i] = st.name
	}
	slices.Sort(s)
	return s
}

func list(set map[string]bool) string {
	if len(set) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(set), ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
