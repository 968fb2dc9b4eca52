package decode

import (
	"bytes"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// plain marks the bytes that JSON strings and table cells carry unchanged: printable
// ASCII other than the quote and backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// cString returns s up to its first NUL.
func cString(s []byte) []byte {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// appendJSONString appends s as a quoted JSON string. Valid UTF-8 passes through;
// each byte of an invalid sequence becomes \u00XX so the output is valid JSON that
// still shows the byte.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	i := 0
	for i < len(s) && plain[s[i]] {
		i++
	}
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst = append(dst, s[:i]...)
	for i < len(s) {
		c := s[i]
		if plain[c] {
			dst = append(dst, c)
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(s[i:])
			if r != utf8.RuneError || n > 1 {
				dst = append(dst, s[i:i+n]...)
				i += n
				continue
			}
		}
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		i++
	}
	return append(dst, '"')
}

// appendText appends s for a table cell: printable UTF-8 as is, any other byte as
// \xNN, so a cell never breaks the table's lines.
func appendText(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] || c == '"' || c == '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(s[i:])
			if (r != utf8.RuneError || n > 1) && unicode.IsPrint(r) {
				dst = append(dst, s[i:i+n]...)
				i += n
				continue
			}
			for _, b := range s[i : i+n] {
				dst = append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
			}
			i += n
			continue
		}
		dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		i++
	}
	return dst
}

// appendInt128 appends the 128-bit integer hi:lo in decimal.
func appendInt128(dst []byte, hi, lo uint64, signed bool) []byte {
	if signed && int64(hi) < 0 {
		dst = append(dst, '-')
		// Two's-complement negation of the 128-bit value.
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return appendUint128(dst, hi, lo)
}

// appendUint128 appends hi:lo in decimal, 19 digits at a time.
func appendUint128(dst []byte, hi, lo uint64) []byte {
	const chunk = 1e19
	if hi == 0 {
		return strconv.AppendUint(dst, lo, 10)
	}
	qhi := hi / chunk
	qlo, r := bits.Div64(hi%chunk, lo, chunk)
	dst = appendUint128(dst, qhi, qlo)
	var digits [19]byte
	for j := len(digits) - 1; j >= 0; j-- {
		digits[j] = byte('0' + r%10)
		r /= 10
	}
	return append(dst, digits[:]...)
}

// textWidth is the widest table text a step's type prints, or 0 when unbounded.
func textWidth(o *op) int {
	bitCount := o.bits()
	switch o.code {
	case opUint, opU8, opU16, opU32, opU64:
		return len(strconv.FormatUint(mask(bitCount), 10))
	case opInt, opS8, opS16, opS32, opS64:
		return len(strconv.FormatInt(signExtend(1<<uint(bitCount-1), bitCount), 10))
	case opBool:
		return len("false")
	case opEnum:
		w := len(strconv.FormatUint(mask(bitCount), 10))
		if o.signed {
			w = len(strconv.FormatInt(signExtend(1<<uint(bitCount-1), bitCount), 10))
		}
		if len(o.enum.names) > 0 {
			w = 0
			for _, n := range o.enum.names {
				w = max(w, len(n))
			}
		}
		return w
	case opFloat32, opFloat64:
		return 12
	case opUint128:
		return 39
	case opInt128:
		return 40
	case opPointer:
		return 18
	case opAddr:
		if o.width == 4 || o.addr.version == 4 {
			return len("255.255.255.255")
		}
		return len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
	case opString:
		return o.n
	}
	return 0
}

// AppendJSONString appends s as a quoted JSON string with the escaping records get:
// invalid UTF-8 bytes and control characters as \u00XX. It is for callers that put
// their own strings (a map name, say) next to decoded fields.
func AppendJSONString(dst, s []byte) []byte {
	return appendJSONString(dst, s)
}
