package output

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"

	"nomia.dev/nomia/decode"
)

// Event is one record read from an event map, with what is needed to print it.
type Event struct {
	Map     string          // name of the map the record came from
	Decoder *decode.Decoder // decoder for the map's event type; nil prints size and hex bytes
	Time    time.Time       // when the record was read
	Data    []byte          // the record; valid only during Write
	Extra   Extra           // what the record only refers to (e.g. stack frames); nil adds nothing
}

// Extra prints what a record refers to but does not hold, such as the frames
// behind its stack ids.
type Extra interface {
	// AppendJSON appends object members, each preceded by a comma, to go
	// before the closing brace of the event's object.
	AppendJSON(dst, rec []byte) []byte
	// AppendText appends whole lines to print under the event's row.
	AppendText(dst, rec []byte) []byte
}

// Writer prints events. Write may keep output buffered until Flush.
type Writer interface {
	Write(ev Event) error
	Flush() error
}

// Options adjusts a Writer.
type Options struct {
	// MapKey names each event's map: a "map" key in JSON ("_map" when the event has
	// a field named map), a MAP column in tables. Set it when several maps deliver.
	MapKey bool
	// Location is the zone of the table's TIME column; nil means time.Local.
	Location *time.Location
}

// bufSize is how much a writer buffers before writing to its io.Writer.
const bufSize = 64 << 10

// buffer accumulates output and hands it to w in large writes.
type buffer struct {
	w   io.Writer
	buf []byte
}

func newBuffer(w io.Writer) buffer {
	return buffer{w: w, buf: make([]byte, 0, bufSize+4096)}
}

// maybeFlush writes the buffer out once it holds bufSize bytes.
func (b *buffer) maybeFlush() error {
	if len(b.buf) < bufSize {
		return nil
	}
	return b.Flush()
}

// Flush writes everything buffered to the underlying writer. After a failed write the
// buffered output is dropped, so a broken pipe does not grow memory without bound.
func (b *buffer) Flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	if err != nil {
		return fmt.Errorf("output: writing events failed: %v (is the reader of the output gone?)", err)
	}
	return nil
}

// hasField reports whether d has a top-level field called name.
func hasField(d *decode.Decoder, name string) bool {
	if d == nil {
		return false
	}
	for _, f := range d.Fields() {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Records of a map whose type is unknown print as their size and bytes in hex, under
// these field names.
const (
	rawSizeField = "size"
	rawDataField = "data"
)

// appendRawJSON appends `,"size":N,"data":"hex"` for a record without a type.
func appendRawJSON(dst, rec []byte) []byte {
	dst = append(dst, `,"`+rawSizeField+`":`...)
	dst = strconv.AppendInt(dst, int64(len(rec)), 10)
	dst = append(dst, `,"`+rawDataField+`":"`...)
	dst = hex.AppendEncode(dst, rec)
	return append(dst, '"')
}

// secondClock formats a time down to the second, formatting only when the second
// changes: formatting costs more than decoding a small record, and a busy runner
// prints many records per second. A clock's owner always passes the same zone and
// layout.
type secondClock struct {
	sec   int64
	valid bool
	text  []byte
}

func (c *secondClock) format(t time.Time, loc *time.Location, layout string) []byte {
	if sec := t.Unix(); !c.valid || sec != c.sec {
		c.sec, c.valid = sec, true
		c.text = t.In(loc).AppendFormat(c.text[:0], layout)
	}
	return c.text
}
