package mapview

import (
	"math/bits"
	"strconv"
)

// Histogram text follows libbpf-tools' trace_helpers.c byte for byte, so that
// nomia's output diffs cleanly against the tools' own.

// maxStars is the width of the distribution bar.
const maxStars = 40

// appendLog2Hist appends vals as print_log2_hist does: buckets 0..last
// non-zero, [2^i/2, 2^i-1] each (the first is 0 -> 1), with a wider layout
// once buckets pass 1<<32. It appends nothing when every bucket is zero.
func appendLog2Hist(dst []byte, vals []uint64, unit string) []byte {
	idxMax, valMax := -1, uint64(0)
	for i, v := range vals {
		if v > 0 {
			idxMax = i
		}
		valMax = max(valMax, v)
	}
	if idxMax < 0 {
		return dst
	}
	pad, unitWidth, width, stars := 5, 19, 10, maxStars
	if idxMax > 32 {
		pad, unitWidth, width, stars = 15, 29, 20, maxStars/2
	}
	dst = appendSpaces(dst, pad)
	dst = appendLeft(dst, unit, unitWidth)
	dst = append(dst, " : count    distribution\n"...)
	for i := 0; i <= idxMax; i++ {
		low, high := log2Bounds(i)
		dst = appendRight(dst, strconv.FormatUint(low, 10), width)
		dst = append(dst, " -> "...)
		dst = appendLeft(dst, strconv.FormatUint(high, 10), width)
		dst = appendCount(dst, vals[i], valMax, stars)
	}
	return dst
}

// log2Bounds returns bucket i's range as trace_helpers.c computes it.
func log2Bounds(i int) (low, high uint64) {
	if i >= 63 {
		return 1 << 63, 1<<64 - 1
	}
	low = (uint64(1) << (i + 1)) >> 1
	high = (uint64(1) << (i + 1)) - 1
	if low == high {
		low--
	}
	return low, high
}

// appendLinearHist appends vals as print_linear_hist does with base 0 and
// step 1: one row per non-zero bucket, labelled with its index.
func appendLinearHist(dst []byte, vals []uint64, unit string) []byte {
	idxMin, idxMax, valMax := -1, -1, uint64(0)
	for i, v := range vals {
		if v > 0 {
			idxMax = i
			if idxMin < 0 {
				idxMin = i
			}
		}
		valMax = max(valMax, v)
	}
	if idxMax < 0 {
		return dst
	}
	dst = append(dst, "     "...)
	dst = appendLeft(dst, unit, 13)
	dst = append(dst, " : count     distribution\n"...)
	for i := idxMin; i <= idxMax; i++ {
		if vals[i] == 0 {
			continue
		}
		dst = append(dst, "        "...)
		dst = appendLeft(dst, strconv.Itoa(i), 10)
		dst = appendCount(dst, vals[i], valMax, maxStars)
	}
	return dst
}

// appendCount ends a row: ` : count    |stars|`.
func appendCount(dst []byte, val, valMax uint64, stars int) []byte {
	dst = append(dst, " : "...)
	dst = appendLeft(dst, strconv.FormatUint(val, 10), 8)
	dst = append(dst, " |"...)
	dst = appendStars(dst, val, valMax, stars)
	return append(dst, "|\n"...)
}

// appendStars draws val's share of valMax in width columns, as print_stars
// does (without its unsigned-int overflow on large counts).
func appendStars(dst []byte, val, valMax uint64, width int) []byte {
	n := 0
	if valMax > 0 {
		hi, lo := bits.Mul64(min(val, valMax), uint64(width))
		q, _ := bits.Div64(hi, lo, valMax) // hi < valMax: no overflow
		n = int(q)
	}
	for i := 0; i < width; i++ {
		if i < n {
			dst = append(dst, '*')
		} else {
			dst = append(dst, ' ')
		}
	}
	return dst
}

func appendSpaces(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, ' ')
	}
	return dst
}

// appendLeft appends s padded on the right to width, like %-*s.
func appendLeft(dst []byte, s string, width int) []byte {
	return appendSpaces(append(dst, s...), width-len(s))
}

// appendRight appends s padded on the left to width, like %*s.
func appendRight(dst []byte, s string, width int) []byte {
	return append(appendSpaces(dst, width-len(s)), s...)
}
