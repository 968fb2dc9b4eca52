package nomia

import (
	"fmt"
	"time"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/decode"
)

// Event is one record read from an event map.
type Event struct {
	// Map is the name of the map the record came from.
	Map string
	// Time is when the record was read: the records of one drained batch share
	// a reading of the clock taken as the batch starts (and every 256 records).
	Time time.Time
	// Data is the raw record, valid only during the handler call.
	Data []byte
	// Decoder decodes Data; nil when the package names no event type for the map.
	Decoder *decode.Decoder
}

// AppendJSON appends the event's fields as a JSON object. Without a type it
// appends {"size":N,"data":"hex"}.
func (e Event) AppendJSON(dst []byte) []byte {
	if e.Decoder != nil {
		return e.Decoder.AppendJSON(dst, e.Data)
	}
	dst = fmt.Appendf(dst, `{"size":%d,"data":"%x"}`, len(e.Data), e.Data)
	return dst
}

// stream is one event map and how to decode its records.
type stream struct {
	name    string
	decoder *decode.Decoder
}

func (s *stream) event(rec []byte, now time.Time) Event {
	return Event{Map: s.name, Time: now, Data: rec, Decoder: s.decoder}
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
			if s.decoder, err = decode.New(t); err != nil {
				return nil, fmt.Errorf("package: map %s: %w", name, err)
			}
		}
		streams = append(streams, s)
	}
	return streams, nil
}
