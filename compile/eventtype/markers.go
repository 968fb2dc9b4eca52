package eventtype

import "strings"

// markerTag starts a marker inside a comment.
const markerTag = "nomia:event-type"

// Markers reads one-line source markers `// nomia:event-type MAP STRUCT` (also inside
// /* */), returning map → struct. STRUCT is a typedef name or "struct NAME" (the
// prefix may be left out). Only comments count, so a marker quoted in a string does
// not; malformed markers are ignored, and for a map marked twice the last one wins.
func Markers(src []byte) map[string]string {
	out := map[string]string{}
	for _, comment := range comments(string(src)) {
		for _, line := range strings.Split(comment, "\n") {
			line = strings.TrimLeft(line, " \t*")
			rest, ok := strings.CutPrefix(line, markerTag)
			if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			if m, s, ok := parseMarker(rest); ok {
				out[m] = s
			}
		}
	}
	return out
}

// parseMarker reads "MAP STRUCT" or "MAP struct NAME"; nothing may follow.
func parseMarker(s string) (mapName, structName string, ok bool) {
	f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), "*/"))
	switch {
	case len(f) == 2 && isIdent(f[0]) && isIdent(f[1]) && f[1] != "struct":
		return f[0], f[1], true
	case len(f) == 3 && isIdent(f[0]) && f[1] == "struct" && isIdent(f[2]):
		return f[0], "struct " + f[2], true
	}
	return "", "", false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// comments returns the text of each C comment in src, skipping string and
// character literals so that comment openers inside them do not count.
func comments(src string) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '"' || src[i] == '\'':
			quote := src[i]
			for i++; i < len(src) && src[i] != quote && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case strings.HasPrefix(src[i:], "//"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			out = append(out, src[i+2:i+end])
			i += end
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				out = append(out, src[i+2:])
				return out
			}
			out = append(out, src[i+2:i+2+end])
			i += 2 + end + 1
		}
	}
	return out
}
