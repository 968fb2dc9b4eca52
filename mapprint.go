package nomia

import (
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
// (eunomia sample.clear_map). A failing view does not stop the others; their
// errors come back joined.
func (i *Instance) PrintMaps(w io.Writer, views []*mapview.View, json, clear bool) error {
	if i.running == nil {
		return errors.New("nomia: PrintMaps before Start")
	}
	coll := i.running.Collection
	var errs []error
	var buf []byte
	for _, v := range views {
		var err error
		if json {
			buf, err = v.AppendJSON(buf[:0], coll)
			if err == nil {
				_, err = w.Write(buf)
			}
		} else {
			err = v.WriteText(w, coll)
		}
		if err == nil && (clear || v.AutoClear()) {
			err = v.Clear(coll)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("map %s: %w", v.Name(), err))
		}
	}
	return errors.Join(errs...)
}
