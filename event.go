package nomia

import (
	"bytes"
	"fmt"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/decode"
	"nomia.dev/nomia/mapview"
)

// Event is one record read from an event map.
type Event struct {
	// Map is the name of the map the record came from.
	Map string
	// Time is when the record was read: the records of one drained batch share
	// a reading of the clock taken as the batch starts (and every 256 records).
	Time time.Time
	// Data is the raw record, valid only during the handler call and read-only:
	// a ring-buffer record is the kernel's mapped memory, so writing to it faults.
	// Copy it to keep or change it.
	Data []byte
	// Decoder decodes Data; nil when the package names no event type for the map.
	Decoder *decode.Decoder
	// Stacks names the frames behind the event's stack ids; nil when its type
	// has none (or the object no stack-trace map).
	Stacks *Stacks
}

// AppendJSON appends the event's fields as a JSON object. Without a type it
// appends {"size":N,"data":"hex"}.
func (e Event) AppendJSON(dst []byte) []byte {
	if e.Decoder != nil {
		if e.Stacks == nil {
			return e.Decoder.AppendJSON(dst, e.Data)
		}
		dst = e.Decoder.AppendJSON(dst, e.Data)
		dst = e.Stacks.AppendJSON(dst[:len(dst)-1], e.Data) // before the closing brace
		return append(dst, '}')
	}
	dst = fmt.Appendf(dst, `{"size":%d,"data":"%x"}`, len(e.Data), e.Data)
	return dst
}

// stream is one event map and how to decode its records.
type stream struct {
	name    string
	typ     btf.Type
	decoder *decode.Decoder
	stacks  *Stacks
}

func (s *stream) event(rec []byte, now time.Time) Event {
	return Event{Map: s.name, Time: now, Data: rec, Decoder: s.decoder, Stacks: s.stacks}
}

// Stacks names the frames behind the stack-id fields of one event type (for
// instance kern_stack_id / user_stack_id filled by bpf_get_stackid), read from
// the running collection's stack-trace map.
type Stacks struct {
	fields *mapview.StackFields
	coll   *ebpf.Collection
	text   bytes.Buffer
}

// AppendJSON appends `,"stacks":{field:[frames, leaf first],…}` for rec, to
// go before the closing brace of the event's object.
func (s *Stacks) AppendJSON(dst, rec []byte) []byte {
	return s.fields.AppendJSON(dst, s.coll, rec)
}

// AppendText appends the frames of rec, one indented line each (one folded
// line with Options.FoldedStacks).
func (s *Stacks) AppendText(dst, rec []byte) []byte {
	s.text.Reset()
	if err := s.fields.WriteText(&s.text, s.coll, rec); err != nil {
		return dst
	}
	return append(dst, s.text.Bytes()...)
}

// eventStreams finds the ring-buffer and perf-buffer maps of spec and the BTF type
// each carries, as the package metadata says (eunomia's export_types rules).
func eventStreams(spec *ebpf.CollectionSpec, meta *bpfpkg.Meta) ([]stream, error) {
	var streams []stream
	for _, name := range sortedMapNames(spec) {
		ms := spec.Maps[name]
		if ms.Type != ebpf.RingBuf && ms.Type != ebpf.PerfEventArray {
			continue
		}
		s := stream{name: name}
		t, ok, err := meta.EventType(spec.Types, name)
		if err != nil {
			return nil, err
		}
		if ok {
			s.typ = t
			if s.decoder, err = decode.New(t); err != nil {
				return nil, fmt.Errorf("package: map %s: %w", name, err)
			}
		}
		streams = append(streams, s)
	}
	return streams, nil
}
