package mapview

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/decode"
)

// WriteText prints the view's current contents the way libbpf-tools print
// them: histograms as print_log2_hist / print_linear_hist draw them, each
// headed by its key and the value's other fields (`pid = 42 comm = sshd`)
// and, when the key holds stack ids, the stack between `    -` lines as
// futexctn prints it; tables as aligned columns, largest count first; maps
// with stack ids as offcputime prints them, or folded with Options.Folded.
// A histogram whose slots are all empty prints its other fields as a table.
// An empty map prints nothing.
func (v *View) WriteText(w io.Writer, coll *ebpf.Collection) error {
	es, kind, err := v.contents(coll)
	if err != nil {
		return err
	}
	var buf []byte
	switch {
	case kind != Table:
		buf, err = v.appendHists(buf, coll, es, v.unitName(coll))
	case v.stacks != nil:
		buf, err = v.appendStacks(buf, coll, v.top(es))
	default:
		text, _ := v.valueDecoders(kind)
		buf = v.appendTable(buf, v.top(es), text)
	}
	if err != nil {
		return err
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("mapview: write %s: %w", v.name, err)
	}
	return nil
}

// top keeps the Options.Top largest entries.
func (v *View) top(es []entry) []entry {
	if v.opts.Top > 0 && len(es) > v.opts.Top {
		return es[:v.opts.Top]
	}
	return es
}

// appendHists draws one histogram per entry, blank lines between them.
func (v *View) appendHists(dst []byte, coll *ebpf.Collection, es []entry, unit string) ([]byte, error) {
	alone := len(es) == 1 && v.catchAll(es[0].key)
	for i, e := range es {
		if i > 0 {
			dst = append(dst, '\n')
		}
		if head := v.appendHeader(nil, e); len(head) > 0 && !alone {
			dst = append(append(dst, head...), '\n')
		}
		stacks, err := v.stacks.resolve(coll, e)
		if err != nil {
			return nil, err
		}
		dst = v.appendHistStacks(dst, stacks)
		dst = v.appendHist(dst, e.value, unit)
	}
	return dst, nil
}

// appendHistStacks writes a histogram entry's stacks between `    -` lines,
// as futexctn does, or as one folded line with Options.Folded.
func (v *View) appendHistStacks(dst []byte, stacks []stack) []byte {
	switch {
	case len(stacks) == 0:
		return dst
	case v.opts.Folded:
		return appendFoldedLine(dst, stacks)
	}
	dst = append(dst, "    -\n"...)
	dst = appendFrames(dst, stacks)
	return append(dst, "    -\n"...)
}

// catchAll reports whether key is a scalar 0 or -1: the key libbpf-tools
// use for "everything" when no per-pid or per-disk option is given (runqlat
// keys by -1). A lone entry under it prints without a header, as the tools do.
func (v *View) catchAll(key []byte) bool {
	if isComposite(v.keyType) || len(key) > 8 {
		return false
	}
	u := readUint(key)
	return u == 0 || u == 1<<(8*len(key))-1
}

// appendHist draws one value's slots.
func (v *View) appendHist(dst, value []byte, unit string) []byte {
	vals := v.slotValues(value)
	if v.kind == LinearHist {
		return appendLinearHist(dst, vals, unit)
	}
	return appendLog2Hist(dst, vals, unit)
}

// slotValues reads the histogram's counters.
func (v *View) slotValues(value []byte) []uint64 {
	s := v.slots
	vals := make([]uint64, s.n)
	for i := range vals {
		off := s.offset + i*s.elem
		vals[i] = readUint(value[off : off+s.elem])
	}
	return vals
}

// appendHeader writes `name = text` for the key's fields (when the key says
// something) and the histogram value's other fields. Stack ids are left out
// when their frames print below.
func (v *View) appendHeader(dst []byte, e entry) []byte {
	shown := func(string) bool { return true }
	if v.stacks != nil {
		shown = func(name string) bool { return !isStackID(name) }
	}
	if v.showKey {
		dst = appendPairs(dst, v.keyText, e.key, shown)
	}
	if v.rest != nil {
		dst = appendPairs(dst, v.rest, e.value, shown)
	}
	return dst
}

// appendPairs writes each field of rec that shown accepts as `name = text`,
// space separated, leaving out empty text (a comm the program never set).
func appendPairs(dst []byte, d *decode.Decoder, rec []byte, shown func(name string) bool) []byte {
	for i, f := range d.Fields() {
		if !shown(f.Name) {
			continue
		}
		text := d.AppendField(nil, i, rec)
		if len(text) == 0 {
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, f.Name...)
		dst = append(dst, " = "...)
		dst = append(dst, text...)
	}
	return dst
}

// column is one table column: a field of the key or of the value.
type column struct {
	dec   *decode.Decoder
	index int
	value bool // from the value, else the key
	right bool // numbers align right, text left
	width int
}

// appendTable writes a header of upper-cased field names and one aligned row
// per entry: key fields, then the fields value decodes.
func (v *View) appendTable(dst []byte, es []entry, value *decode.Decoder) []byte {
	if len(es) == 0 {
		return dst
	}
	var cols []column
	add := func(d *decode.Decoder, value bool) {
		for i, f := range d.Fields() {
			cols = append(cols, column{dec: d, index: i, value: value, right: isNumber(f.Type), width: len(f.Name)})
		}
	}
	if v.showKey {
		add(v.keyText, false)
	}
	add(value, true)
	// Every cell's text goes into one buffer; ends[r*len(cols)+c] is where
	// cell (r, c) stops, so a 10k-row table costs a handful of allocations.
	var text []byte
	ends := make([]int, 0, len(es)*len(cols))
	for _, e := range es {
		for c := range cols {
			rec := e.key
			if cols[c].value {
				rec = e.value
			}
			start := len(text)
			text = cols[c].dec.AppendField(text, cols[c].index, rec)
			cols[c].width = max(cols[c].width, len(text)-start)
			ends = append(ends, len(text))
		}
	}
	header := make([]string, len(cols))
	for c := range cols {
		header[c] = strings.ToUpper(cols[c].dec.Fields()[cols[c].index].Name)
	}
	dst = appendRow(dst, cols, func(c int) []byte { return []byte(header[c]) })
	start := 0
	for r := range es {
		row := ends[r*len(cols) : (r+1)*len(cols)]
		dst = appendRow(dst, cols, func(c int) []byte {
			from := start
			if c > 0 {
				from = row[c-1]
			}
			return text[from:row[c]]
		})
		start = row[len(row)-1]
	}
	return dst
}

// appendRow writes one table line, cell(c) giving column c's text, without
// trailing blanks.
func appendRow(dst []byte, cols []column, cell func(c int) []byte) []byte {
	for c := range cols {
		if c > 0 {
			dst = append(dst, ' ')
		}
		s := cell(c)
		if cols[c].right {
			dst = append(appendSpaces(dst, cols[c].width-len(s)), s...)
		} else {
			dst = appendSpaces(append(dst, s...), cols[c].width-len(s))
		}
	}
	return append(bytes.TrimRight(dst, " "), '\n')
}

// isNumber reports whether a field prints as a number.
func isNumber(t btf.Type) bool {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		return !isCharInt(u)
	case *btf.Float:
		return true
	}
	return false
}

// appendStacks prints each entry's stacks, offcputime style or folded.
func (v *View) appendStacks(dst []byte, coll *ebpf.Collection, es []entry) ([]byte, error) {
	for _, e := range es {
		stacks, err := v.stacks.resolve(coll, e)
		if err != nil {
			return nil, err
		}
		if v.opts.Folded {
			dst = v.appendLabel(dst, e, false)
			dst = append(appendFoldedFrames(dst, stacks), ' ')
			dst = append(append(dst, v.countText(e)...), '\n')
			continue
		}
		dst = appendFrames(dst, stacks)
		dst = append(dst, "    -                "...)
		dst = append(v.appendLabel(dst, e, true), '\n')
		dst = append(dst, "        "...)
		dst = append(dst, v.countText(e)...)
		dst = append(dst, "\n\n"...)
	}
	return dst, nil
}

// appendLabel names an entry's task: `comm (pid)` as offcputime prints it
// (withPid), or the comm alone for folded lines; without a comm, the key's
// fields other than stack ids.
func (v *View) appendLabel(dst []byte, e entry, withPid bool) []byte {
	comm := v.textField(e, "comm")
	if comm == "" {
		comm = v.textField(e, "name") // profile's key calls it name
	}
	pid := v.textField(e, "pid")
	if pid == "" {
		pid = v.textField(e, "tgid")
	}
	switch {
	case comm != "" && withPid && pid != "":
		return append(dst, comm+" ("+pid+")"...)
	case comm != "":
		return append(dst, comm...)
	}
	start := len(dst)
	for i, f := range v.keyText.Fields() {
		if isStackID(f.Name) {
			continue
		}
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		dst = append(dst, f.Name+"="...)
		dst = v.keyText.AppendField(dst, i, e.key)
	}
	return dst
}

// textField is the text of the key's or the value's field name, or "".
func (v *View) textField(e entry, name string) string {
	for _, side := range []struct {
		d   *decode.Decoder
		rec []byte
	}{{v.keyText, e.key}, {v.valueText, e.value}} {
		for i, f := range side.d.Fields() {
			if f.Name == name {
				return string(side.d.AppendField(nil, i, side.rec))
			}
		}
	}
	return ""
}

// countText is the entry's count: the value's first integer, or 1 when the
// value holds none (each key then stands for one occurrence).
func (v *View) countText(e entry) string {
	if v.count == nil {
		return "1"
	}
	return v.count.text(e.value)
}
