package eventtype

import (
	"maps"
	"strings"
	"testing"
)

func TestMarkers(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want map[string]string
	}{
		{"line comment", "// nomia:event-type events event\n", map[string]string{"events": "event"}},
		{"struct prefix", "int x; // nomia:event-type events struct event", map[string]string{"events": "struct event"}},
		{"block comment", "/* nomia:event-type rb exec_event_t */", map[string]string{"rb": "exec_event_t"}},
		{"inside a doc block", "/*\n * Events.\n * nomia:event-type out struct alpha\n */\nint y;", map[string]string{"out": "struct alpha"}},
		{"several, last wins", "// nomia:event-type a x\n// nomia:event-type b y\n// nomia:event-type a z\n", map[string]string{"a": "z", "b": "y"}},
		{"tabs", "//\tnomia:event-type\tm\tstruct\ts\n", map[string]string{"m": "struct s"}},
		{"in a string", `const char *s = "// nomia:event-type events event";`, map[string]string{}},
		{"in a char then comment", "char c = '\"'; // nomia:event-type m s\n", map[string]string{"m": "s"}},
		{"not at comment start", "// see nomia:event-type m s\n", map[string]string{}},
		{"missing struct", "// nomia:event-type events\n", map[string]string{}},
		{"trailing words", "// nomia:event-type events event please\n", map[string]string{}},
		{"bad identifiers", "// nomia:event-type 9maps event\n// nomia:event-type m ev-t\n", map[string]string{}},
		{"bare struct keyword", "// nomia:event-type m struct\n", map[string]string{}},
		{"glued tag", "// nomia:event-typem s\n", map[string]string{}},
		{"unterminated block", "/* nomia:event-type m s", map[string]string{"m": "s"}},
		{"code only", "int main(void) { return 0; }", map[string]string{}},
	}
	for _, c := range cases {
		if got := Markers([]byte(c.src)); !maps.Equal(got, c.want) {
			t.Errorf("%s: Markers(%q) = %v, want %v", c.name, c.src, got, c.want)
		}
	}
}

// FuzzMarkers checks that any input is read without panicking and that every
// marker found is well formed and reads back the same from its own canonical line.
func FuzzMarkers(f *testing.F) {
	for _, seed := range []string{
		"// nomia:event-type events event\n",
		"/* nomia:event-type rb struct e */",
		"/*\n * nomia:event-type a b\n */",
		`"/*" // nomia:event-type x y`,
		"'\\'' /* nomia:event-type q struct r",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for m, s := range Markers(src) {
			if !isIdent(m) || !isIdent(strings.TrimPrefix(s, "struct ")) {
				t.Fatalf("malformed marker %q → %q from %q", m, s, src)
			}
			line := "// " + markerTag + " " + m + " " + s + "\n"
			if again := Markers([]byte(line)); len(again) != 1 || again[m] != s {
				t.Fatalf("canonical line %q reads back as %v", line, again)
			}
		}
	})
}
