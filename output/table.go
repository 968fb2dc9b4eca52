package output

import (
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"time"

	"nomia.dev/nomia/decode"
)

// column is one column of a table after TIME: its title and current width, which
// only grows.
type column struct {
	title []byte
	width int
}

// layout is the columns of one event type's table: MAP, then the type's fields.
type layout struct {
	cols []column
}

// tableWriter writes a header per event type and one aligned row per event.
type tableWriter struct {
	buffer
	mapKey bool
	loc    *time.Location

	layouts map[*decode.Decoder]*layout
	cur     *decode.Decoder // type whose header was printed last
	headed  bool            // whether any header was printed (cur may be nil)

	cells []byte // the row being written, cell after cell
	ends  []int  // where each cell ends in cells

	clock secondClock
}

// NewTable returns a Writer that prints a header (TIME and the upper-cased field
// names, as eunomia-bpf and BCC tools do) and then one row per event. TIME is the
// local HH:MM:SS (Options.Location overrides the zone). Columns start as wide as the
// type's values can print (char[16] → 16, u32 → 10, …), or as the first row's value
// for nested structs and arrays, and widen when a later value is wider. An event of
// another type prints that type's header before its row; with Options.MapKey a MAP
// column follows TIME. Cells are compact text: nested structs as {a=1 b=2}, arrays
// as [1,2], strings as they are. An event without a decoder prints SIZE and DATA (the
// record in hex).
func NewTable(w io.Writer, o Options) Writer {
	loc := o.Location
	if loc == nil {
		loc = time.Local
	}
	return &tableWriter{buffer: newBuffer(w), mapKey: o.MapKey, loc: loc, layouts: map[*decode.Decoder]*layout{}}
}

// Write appends ev's row, after its type's header if the previous row was of another
// type.
func (t *tableWriter) Write(ev Event) error {
	l := t.layouts[ev.Decoder]
	if l == nil {
		l = newLayout(ev.Decoder)
		t.layouts[ev.Decoder] = l
	}
	cols := l.cols[1:]
	if t.mapKey {
		cols = l.cols
	}
	// Format the cells first, so the widths (and a header printed now) fit them.
	t.cells, t.ends = t.cells[:0], t.ends[:0]
	if t.mapKey {
		t.cells = append(t.cells, ev.Map...)
		t.ends = append(t.ends, len(t.cells))
	}
	if ev.Decoder == nil {
		t.cells = strconv.AppendInt(t.cells, int64(len(ev.Data)), 10)
		t.ends = append(t.ends, len(t.cells))
		t.cells = hex.AppendEncode(t.cells, ev.Data)
		t.ends = append(t.ends, len(t.cells))
	} else {
		for i := range len(l.cols) - 1 {
			t.cells = ev.Decoder.AppendField(t.cells, i, ev.Data)
			t.ends = append(t.ends, len(t.cells))
		}
	}
	for k := range cols {
		cols[k].width = max(cols[k].width, t.cell(k))
	}
	if ev.Decoder != t.cur || !t.headed {
		t.cur, t.headed = ev.Decoder, true
		t.buf = appendLine(t.buf, []byte("TIME    "), cols, func(k int) []byte { return cols[k].title })
	}
	t.buf = appendLine(t.buf, t.clock.format(ev.Time, t.loc, "15:04:05"), cols, t.cellText)
	if ev.Extra != nil {
		t.buf = ev.Extra.AppendText(t.buf, ev.Data)
	}
	return t.maybeFlush()
}

// cell returns the length of cell k of the row being written.
func (t *tableWriter) cell(k int) int {
	return len(t.cellText(k))
}

// cellText returns cell k of the row being written.
func (t *tableWriter) cellText(k int) []byte {
	start := 0
	if k > 0 {
		start = t.ends[k-1]
	}
	return t.cells[start:t.ends[k]]
}

// appendLine appends one line: the TIME cell, then each column's text padded to its
// width (except the last, so lines have no trailing spaces), one space apart.
func appendLine(b, first []byte, cols []column, text func(k int) []byte) []byte {
	b = append(b, first...)
	for k := range cols {
		b = append(b, ' ')
		s := text(k)
		b = append(b, s...)
		if k < len(cols)-1 {
			for range cols[k].width - len(s) {
				b = append(b, ' ')
			}
		}
	}
	return append(b, '\n')
}

// newLayout sizes the columns of d's table from its fields' types and names; a nil d
// (records of unknown type) gets SIZE and DATA columns.
func newLayout(d *decode.Decoder) *layout {
	fs := []decode.Field{{Name: rawSizeField, Width: 5}, {Name: rawDataField}}
	if d != nil {
		fs = d.Fields()
	}
	l := &layout{cols: make([]column, 0, len(fs)+1)}
	l.cols = append(l.cols, column{title: []byte("MAP"), width: len("MAP")})
	for _, f := range fs {
		l.cols = append(l.cols, column{title: []byte(strings.ToUpper(f.Name)), width: max(f.Width, len(f.Name))})
	}
	return l
}
