package gen

import (
	"strconv"
	"strings"
	"unicode"
)

// exported turns a C identifier into an exported Go one: event → Event,
// data_t → DataT, min_duration_ns → MinDurationNs.
func exported(c string) string {
	var b strings.Builder
	upper := true
	for _, r := range c {
		switch {
		case r == '_':
			upper = true
		case upper:
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || !unicode.IsLetter([]rune(b.String())[0]) {
		return "X" + b.String()
	}
	return b.String()
}

// cIdent makes s usable inside a C or Go identifier: mytool-v2 → mytool_v2.
func cIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, s)
}

// unique hands out names that have not been handed out before, adding a
// number to repeats.
type unique map[string]int

func (u unique) name(s string) string {
	u[s]++
	if n := u[s]; n > 1 {
		return s + "_" + strconv.Itoa(n)
	}
	return s
}
