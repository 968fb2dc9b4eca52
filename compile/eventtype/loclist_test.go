package eventtype

import (
	"slices"
	"testing"
)

func TestFrameOffset(t *testing.T) {
	cases := []struct {
		name string
		locs []location
		want int64
		ok   bool
	}{
		{"clang 14 fbreg", []location{{0, 1, []byte{opFbreg, 8}}}, 8, true},
		{"negative", []location{{0, 1, []byte{opFbreg, 0x78}}}, -8, true},
		{"two-byte offset", []location{{0, 1, []byte{opFbreg, 0x80, 0x01}}}, 128, true},
		// clang 19: a location list of pieces; the first entry that starts with
		// the frame register gives the object's start.
		{"clang 19 pieces", []location{
			{0, 8, []byte{0x30, 0x9f, opPiece, 8, opBreg10, 32, 0x23, 8, opPiece, 16}},
			{8, 16, []byte{opBreg10, 32, opPiece, 8}},
		}, 32, true},
		{"dereference is not the object", []location{{0, 1, []byte{opBreg10, 16, 0x06}}}, 0, false},
		{"register", []location{{0, 1, []byte{opReg0 + 6}}}, 0, false},
		{"truncated", []location{{0, 1, []byte{opFbreg, 0x80}}}, 0, false},
		{"none", nil, 0, false},
	}
	for _, c := range cases {
		got, ok := frameOffset(c.locs)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestRegisters(t *testing.T) {
	locs := []location{
		{0x00, 0x30, []byte{opReg0 + 1}},
		{0x30, 0xb8, []byte{opReg0 + 6}},
		{0xb8, 0xc0, []byte{opBreg10, 8}}, // spilled: not a register
		{0xc0, 0xc8, []byte{opReg0 + 7, opPiece, 4}},
	}
	want := []regRange{{0x00, 0x30, 1}, {0x30, 0xb8, 6}}
	if got := registers(locs); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestDecodeLocationLists(t *testing.T) {
	// DWARF 5: base_addressx 0 (= 0x100 in .debug_addr), offset_pair 0x10–0x20 in
	// R6, start_length 0x200+8 at fbreg 16, end.
	addr := []byte{0x00, 0x01, 0, 0, 0, 0, 0, 0}
	list := []byte{
		lleBaseAddressx, 0,
		lleOffsetPair, 0x10, 0x20, 1, opReg0 + 6,
		lleStartLength, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 8, 2, opFbreg, 16,
		lleEndOfList,
	}
	l := &locLists{loclists: list, addr: addr}
	got, err := l.decode(0, cuBases{})
	want := []location{{0x110, 0x120, []byte{opReg0 + 6}}, {0x200, 0x208, []byte{opFbreg, 16}}}
	if err != nil || len(got) != 2 || got[0].lo != want[0].lo || got[0].hi != want[0].hi || !slices.Equal(got[0].expr, want[0].expr) ||
		got[1].lo != want[1].lo || got[1].hi != want[1].hi || !slices.Equal(got[1].expr, want[1].expr) {
		t.Errorf("DWARF 5: got %v, %v; want %v", got, err, want)
	}
	if _, err := (&locLists{loclists: list[:5], addr: addr}).decode(0, cuBases{}); err == nil {
		t.Error("DWARF 5: a list cut short must report an error")
	}
	if _, err := l.decode(3, cuBases{}); err == nil {
		t.Error("DWARF 5: an unknown entry kind must report an error")
	}

	// DWARF 4: a base selection entry, one range in R7, end.
	loc4 := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
		0x08, 0, 0, 0, 0, 0, 0, 0, 0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, opReg0 + 7,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	}
	l4 := &locLists{loc: loc4}
	got, err = l4.decode4(0, cuBases{})
	if err != nil || len(got) != 1 || got[0].lo != 0x1008 || got[0].hi != 0x1018 || !slices.Equal(got[0].expr, []byte{opReg0 + 7}) {
		t.Errorf("DWARF 4: got %v, %v", got, err)
	}
}
