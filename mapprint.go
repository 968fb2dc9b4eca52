package nomia

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"nomia.dev/nomia/mapview"
)

// MapViews chooses the maps worth printing, from the program itself (see
// package mapview): histograms, eunomia sample maps, aggregations, and the
// maps named in opts.Names. Call it before Start so that a wrong name fails
// before anything is loaded.
func (i *Instance) MapViews(opts mapview.Options) ([]*mapview.View, error) {
	return mapview.Plan(i.spec, &i.pkg.Meta, opts)
}

// PrintMaps writes the current contents of views to w, as text or JSON lines,
// and empties the maps afterwards when clear is set or the package asks for it
// (eunomia sample.clear_map). Empty maps print nothing. In text, several views
// are told apart by an `@name:` heading, as bpftrace prints its maps; a single
// view prints exactly as the tool's own user space would. A failing view does
// not stop the others; their errors come back joined.
func (i *Instance) PrintMaps(w io.Writer, views []*mapview.View, json, clear bool) error {
	if i.running == nil {
		return errors.New("nomia: PrintMaps before Start")
	}
	coll := i.running.Collection
	var errs []error
	var buf bytes.Buffer
	printed := 0
	for _, v := range views {
		buf.Reset()
		var err error
		if json {
			var b []byte
			b, err = v.AppendJSON(buf.AvailableBuffer(), coll)
			buf.Write(b)
		} else {
			err = v.WriteText(&buf, coll)
		}
		if err == nil && (clear || v.AutoClear()) {
			err = v.Clear(coll)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("map %s: %w", v.Name(), err))
		}
		if buf.Len() == 0 {
			continue
		}
		if !json && len(views) > 1 {
			if printed > 0 {
				io.WriteString(w, "\n")
			}
			fmt.Fprintf(w, "@%s:\n", v.Name())
		}
		printed++
		if _, err := w.Write(buf.Bytes()); err != nil {
			return errors.Join(append(errs, err)...)
		}
	}
	return errors.Join(errs...)
}
