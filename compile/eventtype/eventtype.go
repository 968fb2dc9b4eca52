package eventtype

import (
	"fmt"
	"strings"
)

// Result says which struct one event map carries.
type Result struct {
	Map      string // map name, e.g. "events"
	Struct   string // C spelling: "struct event", or a typedef name like "event_t"
	Size     int    // sizeof the struct
	Evidence string // short human text: how it was found, e.g. "bpf_ringbuf_reserve(events, 48) in handle_exec"
}

// AmbiguousError is returned when several structs fit one event map and nothing in
// the object tells them apart; the user must choose.
type AmbiguousError struct {
	// Map is the event map whose type is undecided.
	Map string
	// Candidates are the C spellings of the structs that fit, sorted.
	Candidates []string
}

// Error lists the candidates and says how to choose, on one line.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("event type of map %s is ambiguous: %s fit; choose one with `nomia build --event-type %s=STRUCT` or a source line `// nomia:event-type %s STRUCT`",
		e.Map, strings.Join(e.Candidates, ", "), e.Map, e.Map)
}
