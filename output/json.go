package output

import (
	"io"
	"time"

	"nomia.dev/nomia/decode"
)

// jsonWriter writes one JSON object per line.
type jsonWriter struct {
	buffer
	mapKey bool

	keys map[*decode.Decoder]*jsonKeys // per event type, so alternating maps stay cheap
	dec  *decode.Decoder               // type of the previous event
	cur  *jsonKeys                     // its keys

	clock utcClock
}

// jsonKeys are the writer's own keys for one event type: "time" and "map", or
// "_time" and "_map" when the type has fields of those names.
type jsonKeys struct {
	time    string // `{"time":"`
	mapKey  string // `,"map":`
	mapName string // the map mapJSON names
	mapJSON []byte // mapKey, then the quoted map name
}

// NewJSON returns a Writer that prints one object per line:
// {"time":"<RFC 3339, nanoseconds, UTC>", <the event's fields…>}. The key is "_time"
// instead when the event has a field named time. With Options.MapKey a "map" key (or
// "_map") follows, naming the event's map. An event without a decoder prints
// "size" and "data" (the record in hex) as its fields.
func NewJSON(w io.Writer, o Options) Writer {
	return &jsonWriter{buffer: newBuffer(w), mapKey: o.MapKey, keys: map[*decode.Decoder]*jsonKeys{}}
}

// Write appends ev as one line.
func (j *jsonWriter) Write(ev Event) error {
	if ev.Decoder != j.dec || j.cur == nil {
		j.dec, j.cur = ev.Decoder, j.keysFor(ev.Decoder)
	}
	k := j.cur
	b := append(j.buf, k.time...)
	b = j.clock.append(b, ev.Time)
	b = append(b, '"')
	if j.mapKey {
		if ev.Map != k.mapName || k.mapJSON == nil {
			k.mapName = ev.Map
			k.mapJSON = decode.AppendJSONString(append(k.mapJSON[:0], k.mapKey...), []byte(ev.Map))
		}
		b = append(b, k.mapJSON...)
	}
	if ev.Decoder != nil {
		b = ev.Decoder.AppendJSONMembers(b, ev.Data)
	} else {
		b = appendRawJSON(b, ev.Data)
	}
	if ev.Extra != nil {
		b = ev.Extra.AppendJSON(b, ev.Data)
	}
	j.buf = append(b, '}', '\n')
	return j.maybeFlush()
}

// keysFor returns the keys for events decoded by d, choosing them on first use.
func (j *jsonWriter) keysFor(d *decode.Decoder) *jsonKeys {
	if k := j.keys[d]; k != nil {
		return k
	}
	k := &jsonKeys{time: `{"time":"`, mapKey: `,"map":`}
	if hasField(d, "time") {
		k.time = `{"_time":"`
	}
	if hasField(d, "map") {
		k.mapKey = `,"_map":`
	}
	j.keys[d] = k
	return k
}

// utcClock formats times as RFC 3339 with nanoseconds in UTC, exactly like
// time.RFC3339Nano, formatting the date and second only when the second changes,
// and nothing at all when the time is the previous one: a runner stamps all the
// records of a drained batch with one reading of the clock.
type utcClock struct {
	secondClock
	last     time.Time // the time lastText holds; == is exact here, since equal copies of one reading are what repeats
	lastText []byte    // empty until the first time is formatted (a formatted time ends in 'Z')
}

func (c *utcClock) append(dst []byte, t time.Time) []byte {
	if len(c.lastText) == 0 || t != c.last {
		b := append(c.lastText[:0], c.format(t, time.UTC, "2006-01-02T15:04:05")...)
		if ns := t.Nanosecond(); ns != 0 {
			b = appendFraction(b, ns)
		}
		c.lastText, c.last = append(b, 'Z'), t
	}
	return append(dst, c.lastText...)
}

// triples holds "000" … "999": nanoseconds are written three digits per lookup.
var triples = func() (t [3000]byte) {
	for i := range 1000 {
		t[3*i], t[3*i+1], t[3*i+2] = byte('0'+i/100), byte('0'+i/10%10), byte('0'+i%10)
	}
	return t
}()

// appendFraction appends ".nnnnnnnnn" for 0 < ns < 1e9 without trailing zeros.
func appendFraction(dst []byte, ns int) []byte {
	var d [10]byte
	d[0] = '.'
	a, b, c := 3*(ns/1e6), 3*(ns/1e3%1e3), 3*(ns%1e3)
	copy(d[1:4], triples[a:a+3])
	copy(d[4:7], triples[b:b+3])
	copy(d[7:10], triples[c:c+3])
	n := len(d)
	for d[n-1] == '0' {
		n--
	}
	return append(dst, d[:n]...)
}
