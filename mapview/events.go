package mapview

import (
	"bytes"
	"fmt"
	"io"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// StackFields symbolizes the stack-id fields of an event struct (members
// named *stack_id, negative meaning no stack), the way map views symbolize
// those of keys and values: kernel stacks first, each leaf first, user
// stacks named for the process in the event's tgid, pid or the upper half
// of pid_tgid. It is safe for concurrent use when its Symbolizer is.
type StackFields struct {
	set    *stackSet
	folded bool
}

// EventStacks prepares the stacks of events of type event, read from spec's
// stack-trace map (the one bpf_get_stackid fills). It returns nil when the
// struct has no stack-id fields or the object no stack-trace map: the
// caller then prints events as they are. sym names the frames (nil prints
// addresses in hex); folded prints each event's stacks on one line.
func EventStacks(spec *ebpf.CollectionSpec, event btf.Type, sym Symbolizer, folded bool) *StackFields {
	set := newStackSet(nil, event, stackMapOf(spec, scanUsage(spec)), sym)
	if set == nil {
		return nil
	}
	return &StackFields{set: set, folded: folded}
}

// AppendJSON appends the members `,"stacks":{"kern_stack_id":["leaf",…],…}`
// for the event rec, to go before the closing brace of the event's object:
// one array of frames per stack-id field, leaf first, null for a stack the
// map no longer holds; ids that are negative are left out, and so is the
// whole member when none names a stack. coll is the collection loaded from
// the spec given to EventStacks; without its stack map nothing is appended.
func (s *StackFields) AppendJSON(dst []byte, coll *ebpf.Collection, rec []byte) []byte {
	stacks, err := s.set.resolve(coll, entry{value: rec})
	if err != nil {
		return dst
	}
	return appendJSONStacks(dst, stacks)
}

// WriteText writes the event rec's stacks to w, frames one per line
// indented by four spaces, kernel frames first, each stack leaf first, as
// libbpf-tools print them under an event line; `[Missed User Stack]` for a
// stack the map no longer holds. Folded, it writes one indented line,
// `frame;…;frame`, root first. It writes nothing for an event without stacks.
func (s *StackFields) WriteText(w io.Writer, coll *ebpf.Collection, rec []byte) error {
	stacks, err := s.set.resolve(coll, entry{value: rec})
	if err != nil || len(stacks) == 0 {
		return err
	}
	var buf []byte
	if s.folded {
		buf = appendFoldedLine(buf, stacks)
	} else {
		buf = appendFrames(buf, stacks)
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("mapview: write stacks: %w", err)
	}
	return nil
}

// appendFoldedLine writes stacks as one indented folded line, root first.
func appendFoldedLine(dst []byte, stacks []stack) []byte {
	folded := bytes.TrimPrefix(appendFoldedFrames(nil, stacks), []byte(";"))
	return append(append(append(dst, "    "...), folded...), '\n')
}
