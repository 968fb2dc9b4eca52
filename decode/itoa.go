package decode

import (
	"encoding/binary"
	"math/bits"
)

// Integer formatting written straight into the destination, eight digits at a time:
// strconv formats into a scratch buffer one or two digits per step and copies, which
// cost a third of a record's decoding time when most fields are numbers.

// pairs holds "00" … "99", for numbers below 100 and 10000 that are faster to write
// with a table than through digits8.
const pairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

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
	if v < 100 {
		if v < 10 {
			return append(dst, byte('0'+v))
		}
		return append(dst, pairs[2*v], pairs[2*v+1])
	}
	l := len(dst)
	if cap(dst)-l < 24 { // room for three unconditional 8-byte stores
		dst = append(dst, make([]byte, 24)...)[:l]
	}
	b := dst[l : l+24]
	var n int
	switch {
	case v < 10000:
		hi, lo := uint32(v)/100, uint32(v)%100
		n = 4
		if hi < 10 {
			b[0] = byte('0' + hi)
			n = 3
		} else {
			b[0], b[1] = pairs[2*hi], pairs[2*hi+1]
		}
		b[n-2], b[n-1] = pairs[2*lo], pairs[2*lo+1]
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
