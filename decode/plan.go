package decode

// opcode says how one plan step reads and formats its bytes.
type opcode uint8

const (
	// Whole-byte integers, the bulk of most events, get one opcode per width so the
	// hot loop decodes them without further tests. They must stay first: isFixed
	// relies on it.
	opU8 opcode = iota
	opU16
	opU32
	opU64
	opS8
	opS16
	opS32
	opS64

	opUint    // unsigned integer bitfield
	opInt     // signed integer bitfield
	opBool    // C _Bool: nonzero is true
	opEnum    // enumerator name, or the number when unnamed
	opFloat32 // IEEE single
	opFloat64 // IEEE double
	opFloatX  // float of another size (long double): not decoded
	opUint128 // unsigned __int128
	opInt128  // __int128
	opPointer // address
	opAddr    // IP address: see address.go
	opString  // char array, cut at the first NUL
	opObject  // nested struct/union: its members follow as children
	opArray   // array: one element's steps follow as children
)

// isFixed reports whether c is a whole-byte integer opcode.
func isFixed(c opcode) bool { return c <= opS64 }

// op is one step of a decoding plan. Steps are stored flat in Decoder.ops; an object
// or array keeps its children directly after itself, and next is the index just past
// them, so skipping a whole subtree is one assignment.
type op struct {
	code     opcode
	width    uint8  // bytes read for scalars
	bitShift uint8  // bitfields: bit position within the loaded bytes
	bitSize  uint8  // bitfields: bit count; 0 for whole-byte fields
	signed   bool   // enums and bitfields: sign-extend before formatting
	flex     bool   // flexible array member: element count comes from the record
	off      int    // byte offset from the start of the enclosing record or element
	need     int    // bytes that must be present from off for this step to decode
	n        int    // array element count, or string capacity
	stride   int    // array element size
	next     int    // index of the first step after this one's children
	key      []byte // `,"name":`: the separator, then the quoted key
	textKey  []byte // ` name=`
	enum     *enumTable
	addr     *addrRule
}

// present reports whether rec holds the bytes this step needs.
func (o *op) present(rec []byte) bool {
	return o.off+o.need <= len(rec)
}

// bits is the width in bits of an integer-like step's value: its bitfield size,
// or all the bytes it reads.
func (o *op) bits() int {
	if o.bitSize != 0 {
		return int(o.bitSize)
	}
	return int(o.width) * 8
}

// enumTable maps enumerator values (masked to the enum's width) to their names,
// sorted by value so lookups are a binary search without allocation.
type enumTable struct {
	values []uint64
	quoted [][]byte // `"NAME"`, for JSON
	names  [][]byte // `NAME`, for text
}

// lookup returns the index of v's name, or -1.
func (t *enumTable) lookup(v uint64) int {
	lo, hi := 0, len(t.values)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.values[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.values) && t.values[lo] == v {
		return lo
	}
	return -1
}
