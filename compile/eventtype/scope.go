package eventtype

import (
	"debug/dwarf"
	"path/filepath"
	"strings"
)

// structType is one struct the DWARF describes, with its C spelling.
type structType struct {
	off    dwarf.Offset
	name   string // "struct x", or the typedef name of an anonymous struct
	size   int
	kernel bool // declared in vmlinux.h: a kernel type, rarely an event
}

// stackVar is a struct object living in a function's stack frame.
type stackVar struct {
	offset int64 // from the bottom of the frame (DW_OP_fbreg or DW_OP_breg10)
	st     *structType
}

// ptrVar is a pointer-to-struct variable with the registers it lives in.
type ptrVar struct {
	st   *structType
	regs []regRange
}

// funcScope is what one function (with everything inlined into it) declares.
type funcScope struct {
	cu      int
	lowPC   uint64        // section-relative address of its first instruction
	ptrs    []ptrVar      // pointer variables located in registers
	structs []*structType // struct types of its variables and parameters, also through pointers
	stack   []stackVar
	extent  int64 // highest offset+size of its stack variables: a lower bound of the frame size
}

// node is one DWARF entry with its children, so subtrees can be walked freely.
type node struct {
	e        *dwarf.Entry
	cu       int
	children []*node
}

// debugIndex answers the questions inference asks of the DWARF.
type debugIndex struct {
	nodes   map[dwarf.Offset]*node
	order   []*node // entries in file order, for deterministic naming
	locs    *locLists
	bases   []cuBases // per compile unit
	structs map[dwarf.Offset]*structType
	byName  map[string]*structType // "struct x" and typedef names
	cuTypes [][]*structType        // per compile unit, every named struct
	funcs   map[string]*funcScope
}

func newDebugIndex(d *dwarf.Data, raw map[string][]byte) (*debugIndex, error) {
	x := &debugIndex{
		locs:    &locLists{loclists: raw[".debug_loclists"], loc: raw[".debug_loc"], addr: raw[".debug_addr"]},
		nodes:   map[dwarf.Offset]*node{},
		structs: map[dwarf.Offset]*structType{},
		byName:  map[string]*structType{},
		funcs:   map[string]*funcScope{},
	}
	var roots []*node
	var files [][]string // per CU: line-table file names, for DW_AT_decl_file
	var parents []*node
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if e.Tag == 0 { // end of a sibling list
			if len(parents) > 0 {
				parents = parents[:len(parents)-1]
			}
			continue
		}
		n := &node{e: e, cu: len(files) - 1}
		if e.Tag == dwarf.TagCompileUnit {
			files = append(files, cuFiles(d, e))
			x.bases = append(x.bases, basesOf(e))
			n.cu = len(files) - 1
			parents = parents[:0]
			roots = append(roots, n)
		} else if len(parents) > 0 {
			p := parents[len(parents)-1]
			p.children = append(p.children, n)
		}
		x.nodes[e.Offset] = n
		x.order = append(x.order, n)
		if e.Children {
			parents = append(parents, n)
		}
	}
	x.cuTypes = make([][]*structType, len(files))
	x.indexStructs(files)
	for _, cu := range roots {
		x.indexFuncs(cu)
	}
	return x, nil
}

// cuFiles lists a compile unit's source files, indexed as DW_AT_decl_file counts.
func cuFiles(d *dwarf.Data, cu *dwarf.Entry) []string {
	lr, err := d.LineReader(cu)
	if err != nil || lr == nil {
		return nil
	}
	var names []string
	for _, f := range lr.Files() {
		name := ""
		if f != nil {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// indexStructs names every complete struct: "struct x" when it has a tag, else the
// first typedef naming it.
func (x *debugIndex) indexStructs(files [][]string) {
	for _, n := range x.order {
		e, off := n.e, n.e.Offset
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrDeclaration) != nil {
			continue
		}
		size, _ := e.Val(dwarf.AttrByteSize).(int64)
		st := &structType{off: off, size: int(size)}
		if name, _ := e.Val(dwarf.AttrName).(string); name != "" {
			st.name = "struct " + name
		}
		// debug/dwarf gives decl_file as int64: a corrupt sdata or data8 value
		// is negative.
		if fi, ok := e.Val(dwarf.AttrDeclFile).(int64); ok && n.cu >= 0 && fi >= 0 && fi < int64(len(files[n.cu])) {
			base := filepath.Base(files[n.cu][fi])
			st.kernel = strings.HasPrefix(base, "vmlinux")
		}
		x.structs[off] = st
	}
	for _, n := range x.order {
		if n.e.Tag != dwarf.TagTypedef {
			continue
		}
		name, _ := n.e.Val(dwarf.AttrName).(string)
		to, _ := n.e.Val(dwarf.AttrType).(dwarf.Offset)
		if st := x.structs[to]; st != nil && name != "" {
			if st.name == "" {
				st.name = name
			}
			if _, taken := x.byName[name]; !taken {
				x.byName[name] = st
			}
		}
	}
	for _, n := range x.order {
		st := x.structs[n.e.Offset]
		if st == nil || st.name == "" {
			continue
		}
		if _, taken := x.byName[st.name]; !taken {
			x.byName[st.name] = st
		}
		if n.cu >= 0 {
			x.cuTypes[n.cu] = append(x.cuTypes[n.cu], st)
		}
	}
}

// structOf follows pointers, typedefs and qualifiers from a type to a struct; direct
// says no pointer was crossed, i.e. the variable is the struct object itself.
func (x *debugIndex) structOf(t dwarf.Offset) (st *structType, direct bool) {
	direct = true
	for range 32 { // bounded: malformed DWARF may loop
		n := x.nodes[t]
		if n == nil {
			return nil, false
		}
		switch n.e.Tag {
		case dwarf.TagStructType:
			if st := x.structs[t]; st != nil {
				return st, direct
			}
			// A declaration: find the definition by name.
			name, _ := n.e.Val(dwarf.AttrName).(string)
			return x.byName["struct "+name], direct
		case dwarf.TagPointerType:
			direct = false
		case dwarf.TagTypedef, dwarf.TagConstType, dwarf.TagVolatileType, dwarf.TagRestrictType, dwarf.Tag(0x47): // 0x47: DW_TAG_atomic_type
		default:
			return nil, false
		}
		next, ok := n.e.Val(dwarf.AttrType).(dwarf.Offset)
		if !ok {
			return nil, false
		}
		t = next
	}
	return nil, false
}

// indexFuncs records, for each out-of-line function, the struct types its
// variables and parameters (its own, in lexical blocks and in inlined callees) use.
func (x *debugIndex) indexFuncs(cu *node) {
	for _, n := range cu.children {
		if n.e.Tag != dwarf.TagSubprogram || n.e.Val(dwarf.AttrLowpc) == nil {
			continue
		}
		name := x.name(n.e)
		if name == "" {
			continue
		}
		fs := &funcScope{cu: cu.cu}
		fs.lowPC, _ = n.e.Val(dwarf.AttrLowpc).(uint64)
		seen := map[*structType]bool{}
		x.collect(n, fs, seen, 0)
		x.funcs[name] = fs
	}
}

// name returns an entry's name, following abstract origins of inlined or
// out-of-line instances.
func (x *debugIndex) name(e *dwarf.Entry) string {
	for range 8 {
		if name, _ := e.Val(dwarf.AttrName).(string); name != "" {
			return name
		}
		origin, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
		if !ok {
			origin, ok = e.Val(dwarf.AttrSpecification).(dwarf.Offset)
		}
		if !ok || x.nodes[origin] == nil {
			return ""
		}
		e = x.nodes[origin].e
	}
	return ""
}

// typeOf returns an entry's type, following abstract origins.
func (x *debugIndex) typeOf(e *dwarf.Entry) (dwarf.Offset, bool) {
	for range 8 {
		if t, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
			return t, true
		}
		origin, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
		if !ok || x.nodes[origin] == nil {
			return 0, false
		}
		e = x.nodes[origin].e
	}
	return 0, false
}

func (x *debugIndex) collect(n *node, fs *funcScope, seen map[*structType]bool, depth int) {
	if depth > 64 {
		return
	}
	for _, c := range n.children {
		switch c.e.Tag {
		case dwarf.TagVariable, dwarf.TagFormalParameter:
			t, ok := x.typeOf(c.e)
			if !ok {
				continue
			}
			st, direct := x.structOf(t)
			if st == nil || st.name == "" {
				continue // an anonymous struct without typedef cannot be named in C
			}
			if !seen[st] {
				seen[st] = true
				fs.structs = append(fs.structs, st)
			}
			var locs []location
			if fs.cu < len(x.bases) {
				locs = x.locs.locations(c.e, x.bases[fs.cu])
			}
			if !direct {
				if regs := registers(locs); len(regs) > 0 {
					fs.ptrs = append(fs.ptrs, ptrVar{st: st, regs: regs})
				}
			} else if off, ok := frameOffset(locs); ok {
				fs.stack = append(fs.stack, stackVar{offset: off, st: st})
				fs.extent = max(fs.extent, off+int64(st.size))
			}
		case dwarf.TagLexDwarfBlock:
			x.collect(c, fs, seen, depth+1)
		case dwarf.TagInlinedSubroutine:
			x.collect(c, fs, seen, depth+1)
			// Variables the optimizer removed appear only in the abstract instance.
			if origin, ok := c.e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok && x.nodes[origin] != nil {
				x.collect(x.nodes[origin], fs, seen, depth+1)
			}
		}
	}
}
