package eventtype

import (
	"debug/dwarf"
	"testing"
)

// TestIndexStructsBadDeclFile checks that a DW_AT_decl_file outside the
// compile unit's file table (negative, as DW_FORM_sdata can spell it, or too
// large) leaves the struct unclassified instead of indexing out of range.
func TestIndexStructsBadDeclFile(t *testing.T) {
	for _, fi := range []int64{-1, 5} {
		e := &dwarf.Entry{Offset: 1, Tag: dwarf.TagStructType, Field: []dwarf.Field{
			{Attr: dwarf.AttrName, Val: "event", Class: dwarf.ClassString},
			{Attr: dwarf.AttrByteSize, Val: int64(8), Class: dwarf.ClassConstant},
			{Attr: dwarf.AttrDeclFile, Val: fi, Class: dwarf.ClassConstant},
		}}
		n := &node{e: e, cu: 0}
		x := &debugIndex{
			nodes:   map[dwarf.Offset]*node{e.Offset: n},
			order:   []*node{n},
			structs: map[dwarf.Offset]*structType{},
			byName:  map[string]*structType{},
			cuTypes: make([][]*structType, 1),
		}
		x.indexStructs([][]string{{"vmlinux.h"}})
		st := x.byName["struct event"]
		if st == nil || st.size != 8 || st.kernel {
			t.Errorf("decl_file %d: struct event indexed as %+v, want 8 bytes, not a kernel type", fi, st)
		}
	}
}
