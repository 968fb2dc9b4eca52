package decode

import (
	"encoding/binary"
	"math/bits"
)

// Integer formatting written straight into the destination, eight digits at a time:
// strconv formats into a scratch buffer one or two digits per step and copies, which
// cost a third of a record's decoding time when most fields are numbers.

// digits8 returns the eight decimal digits of v < 1e8 as ASCII in a little-endian
// word (the most significant digit in the lowest byte), splitting the number into
// lanes with multiplications instead of a division per digit ("SWAR").
func digits8(v uint32) uint64 {
	hi := v / 10000
	x := uint64(hi) | uint64(v-hi*10000)<<32 // two 4-digit lanes of 32 bits
	// Each lane < 10000: 5243/2^19 is an exact /100 there.
	q := (x * 5243 >> 19) & 0x0000007f0000007f
	x = q | (x-q*100)<<16 // four 2-digit lanes of 16 bits
	// Each lane < 100: 103/2^10 is an exact /10 there.
	q = (x * 103 >> 10) & 0x000f000f000f000f
	x = q | (x-q*10)<<8 // eight 1-digit lanes of 8 bits
	return x | 0x3030303030303030
}

// appendUint appends v in decimal.
func appendUint(dst []byte, v uint64) []byte {
	if v < 10 {
		return append(dst, byte('0'+v))
	}
	l := len(dst)
	if cap(dst)-l < 24 { // room for three unconditional 8-byte stores
		dst = append(dst, make([]byte, 24)...)[:l]
	}
	b := dst[l : l+24]
	var n int
	switch {
	case v < 1e8:
		n = putLeading(b, uint32(v))
	case v < 1e16:
		n = putLeading(b, uint32(v/1e8))
		binary.LittleEndian.PutUint64(b[n:], digits8(uint32(v%1e8)))
		n += 8
	default:
		top, rest := v/1e16, v%1e16
		n = putLeading(b, uint32(top))
		binary.LittleEndian.PutUint64(b[n:], digits8(uint32(rest/1e8)))
		binary.LittleEndian.PutUint64(b[n+8:], digits8(uint32(rest%1e8)))
		n += 16
	}
	return dst[:l+n]
}

// putLeading stores the digits of 0 < v < 1e8 without leading zeros at the start of b
// (which has room for 8 bytes) and returns how many it wrote.
func putLeading(b []byte, v uint32) int {
	w := digits8(v)
	zeros := bits.TrailingZeros64(w-0x3030303030303030) / 8
	binary.LittleEndian.PutUint64(b, w>>(8*zeros))
	return 8 - zeros
}

// appendInt appends v in decimal.
func appendInt(dst []byte, v int64) []byte {
	if v >= 0 {
		return appendUint(dst, uint64(v))
	}
	dst = append(dst, '-')
	return appendUint(dst, -uint64(v))
}
