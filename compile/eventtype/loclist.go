package eventtype

import (
	"debug/dwarf"
	"encoding/binary"
	"errors"
)

// regRange says a variable lives in BPF register reg for addresses [lo, hi).
type regRange struct {
	lo, hi uint64
	reg    int
}

// DWARF 5 location list entry kinds (DW_LLE_*).
const (
	lleEndOfList    = 0x00
	lleBaseAddressx = 0x01
	lleStartxEndx   = 0x02
	lleStartxLength = 0x03
	lleOffsetPair   = 0x04
	lleDefault      = 0x05
	lleBaseAddress  = 0x06
	lleStartEnd     = 0x07
	lleStartLength  = 0x08
)

// locLists decodes the register ranges of variables, which debug/dwarf leaves
// undecoded. Handled: DWARF 5 as clang emits it (.debug_loclists indexed through
// DW_AT_loclists_base) and DWARF 4's .debug_loc (-gdwarf-4). Anything else yields
// no ranges, never an error that stops inference.
type locLists struct {
	loclists []byte // DWARF 5
	loc      []byte // DWARF 4 (-gdwarf-4)
	addr     []byte
}

// cuBases are the compile-unit attributes location lists are relative to.
type cuBases struct {
	low      uint64 // DW_AT_low_pc: the default base address
	addrBase uint64 // DW_AT_addr_base
	listBase uint64 // DW_AT_loclists_base
}

func basesOf(cu *dwarf.Entry) cuBases {
	var b cuBases
	b.low, _ = unsigned(cu.Val(dwarf.AttrLowpc))
	b.addrBase, _ = unsigned(cu.Val(dwarf.AttrAddrBase))
	b.listBase, _ = unsigned(cu.Val(dwarf.AttrLoclistsBase))
	return b
}

// unsigned reads an attribute value that debug/dwarf returns as int64 or uint64
// depending on its form (a loclistx index is uint64, a section offset int64).
func unsigned(v any) (uint64, bool) {
	switch v := v.(type) {
	case uint64:
		return v, true
	case int64:
		return uint64(v), v >= 0
	}
	return 0, false
}

// location is one entry of a variable's location: expr holds for addresses
// [lo, hi).
type location struct {
	lo, hi uint64
	expr   []byte
}

// locations returns a variable's location entries: one covering everything for a
// single expression, or the decoded list.
func (l *locLists) locations(e *dwarf.Entry, cu cuBases) []location {
	f := e.AttrField(dwarf.AttrLocation)
	if f == nil {
		return nil
	}
	var locs []location
	switch f.Class {
	case dwarf.ClassExprLoc: // one location for the whole scope
		expr, _ := f.Val.([]byte)
		locs = []location{{0, ^uint64(0), expr}}
	case dwarf.ClassLocList: // DW_FORM_loclistx: an index into the CU's offset table
		idx, ok := unsigned(f.Val)
		at := cu.listBase + 4*idx
		if !ok || idx > uint64(len(l.loclists)) || at+4 > uint64(len(l.loclists)) {
			return nil
		}
		locs, _ = l.decode(cu.listBase+uint64(binary.LittleEndian.Uint32(l.loclists[at:])), cu)
	case dwarf.ClassLocListPtr: // DW_FORM_sec_offset: the list's own offset
		off, ok := unsigned(f.Val)
		switch {
		case !ok:
		case l.loclists == nil && l.loc != nil:
			locs, _ = l.decode4(off, cu)
		default:
			locs, _ = l.decode(off, cu)
		}
	}
	return locs
}

// registers returns where a variable sits whole in one register.
func registers(locs []location) []regRange {
	var out []regRange
	for _, loc := range locs {
		if len(loc.expr) == 1 && loc.expr[0] >= opReg0 && loc.expr[0] <= opReg0+15 {
			out = append(out, regRange{loc.lo, loc.hi, int(loc.expr[0] - opReg0)})
		}
	}
	return out
}

// DWARF expression operations that matter here.
const (
	opReg0   = 0x50 // DW_OP_reg0…reg15: the value is in a register
	opBreg10 = 0x7a // DW_OP_breg10 N: memory at R10 + N
	opFbreg  = 0x91 // DW_OP_fbreg N: memory at frame base + N (the frame base is R10)
	opPiece  = 0x93 // DW_OP_piece: the expression describes part of the object
)

// frameOffset finds where a struct object starts in its stack frame. clang 14
// writes DW_OP_fbreg N; clang 19 writes location lists whose pieces read
// DW_OP_breg10 N. Both count N from the bottom of the frame.
func frameOffset(locs []location) (int64, bool) {
	for _, loc := range locs {
		expr := loc.expr
		if len(expr) < 2 || (expr[0] != opFbreg && expr[0] != opBreg10) {
			continue
		}
		r := &byteReader{b: expr, at: 1}
		n := r.sleb()
		if r.err != nil {
			continue
		}
		// The address itself (end) or its first piece; anything else, such as a
		// dereference, does not describe the object in place.
		if r.at == uint64(len(expr)) || expr[r.at] == opPiece {
			return n, true
		}
	}
	return 0, false
}

var errTruncated = errors.New("truncated location list")

// decode reads one DWARF 5 location list.
func (l *locLists) decode(off uint64, cu cuBases) ([]location, error) {
	r := &byteReader{b: l.loclists, at: off}
	base := cu.low
	var out []location
	for range 1 << 16 {
		kind := r.u8()
		var lo, hi uint64
		switch kind {
		case lleEndOfList:
			return out, r.err
		case lleBaseAddressx:
			base = l.address(cu, r.uleb())
			continue
		case lleBaseAddress:
			base = r.u64()
			continue
		case lleStartxEndx:
			lo, hi = l.address(cu, r.uleb()), l.address(cu, r.uleb())
		case lleStartxLength:
			lo = l.address(cu, r.uleb())
			hi = lo + r.uleb()
		case lleOffsetPair:
			lo, hi = base+r.uleb(), base+r.uleb()
		case lleDefault:
			lo, hi = 0, ^uint64(0)
		case lleStartEnd:
			lo, hi = r.u64(), r.u64()
		case lleStartLength:
			lo = r.u64()
			hi = lo + r.uleb()
		default:
			return out, errTruncated
		}
		expr := r.bytes(r.uleb())
		if r.err != nil {
			return out, r.err
		}
		out = append(out, location{lo, hi, expr})
	}
	return out, errTruncated
}

// decode4 reads one DWARF 4 .debug_loc list: address pairs relative to the base
// address, a pair whose start is all ones setting a new base, (0, 0) ending it.
func (l *locLists) decode4(off uint64, cu cuBases) ([]location, error) {
	r := &byteReader{b: l.loc, at: off}
	base := cu.low
	var out []location
	for range 1 << 16 {
		lo, hi := r.u64(), r.u64()
		switch {
		case r.err != nil:
			return out, r.err
		case lo == 0 && hi == 0:
			return out, nil
		case lo == ^uint64(0):
			base = hi
			continue
		}
		expr := r.bytes(uint64(r.u16()))
		if r.err != nil {
			return out, r.err
		}
		out = append(out, location{base + lo, base + hi, expr})
	}
	return out, errTruncated
}

// address reads entry idx of the CU's .debug_addr table. In a BPF object these
// are section-relative, which is how instructions are addressed too.
func (l *locLists) address(cu cuBases, idx uint64) uint64 {
	at := cu.addrBase + 8*idx
	if at+8 > uint64(len(l.addr)) || at < cu.addrBase {
		return ^uint64(0)
	}
	return binary.LittleEndian.Uint64(l.addr[at:])
}

// byteReader reads DWARF encodings, remembering the first overrun.
type byteReader struct {
	b   []byte
	at  uint64
	err error
}

func (r *byteReader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) || r.at > uint64(len(r.b))-n {
		r.err = errTruncated
		return nil
	}
	out := r.b[r.at : r.at+n]
	r.at += n
	return out
}

func (r *byteReader) u8() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *byteReader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *byteReader) u64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// sleb reads a signed LEB128 number: its last byte's bit 6 is the sign.
func (r *byteReader) sleb() int64 {
	v, bits, last := r.leb()
	if bits < 64 && last&0x40 != 0 {
		v |= ^uint64(0) << bits
	}
	return int64(v)
}

// uleb reads an unsigned LEB128 number.
func (r *byteReader) uleb() uint64 {
	v, _, _ := r.leb()
	return v
}

// leb reads the 7-bit groups of a LEB128 number, returning them unextended with
// the number of bits read and the last byte; on error all are zero.
func (r *byteReader) leb() (v uint64, bits uint, last byte) {
	for shift := uint(0); shift < 64; shift += 7 {
		b := r.u8()
		if r.err != nil {
			return 0, 0, 0
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, shift + 7, b
		}
	}
	r.err = errTruncated
	return 0, 0, 0
}
