package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"nomia.dev/nomia/mapview"
	"nomia.dev/nomia/server/api"
)

// snapshot reads every map the program reports through (those package
// mapview picks: histograms, aggregations, eunomia sample maps).
func (p *program) snapshot() (*api.MapSnapshot, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.loaded(); err != nil {
		return nil, err
	}
	snap := &api.MapSnapshot{Time: time.Now().UTC(), Maps: []api.MapEntries{}}
	for _, v := range p.views {
		m, err := p.entries(v)
		if err != nil {
			return nil, err
		}
		snap.Maps = append(snap.Maps, *m)
	}
	return snap, nil
}

// readMap reads one map or .bss/.data global by name, shown or not.
func (p *program) readMap(name string, sym mapview.Symbolizer) (*api.MapEntries, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.loaded(); err != nil {
		return nil, err
	}
	for _, v := range p.views {
		if v.Name() == name {
			return p.entries(v)
		}
	}
	p.plan.Lock() // planning reads the instance's spec, which is not for concurrent use
	views, err := p.inst.MapViews(mapview.Options{Names: []string{name}, Symbolizer: sym})
	p.plan.Unlock()
	if err != nil {
		return nil, errorf(http.StatusNotFound, "program %s: %v", p.name, err)
	}
	for _, v := range views {
		if v.Name() == name {
			return p.entries(v)
		}
	}
	return nil, errorf(http.StatusNotFound, "program %s: map %s cannot be shown (ring and perf buffers stream as events instead)", p.name, name)
}

// loaded fails when the program's maps are gone; p.mu is held.
func (p *program) loaded() error {
	if p.inst == nil || p.inst.Running() == nil {
		return errorf(http.StatusConflict, "program %s is not loaded (%s): stop it and start it again", p.name, p.failure)
	}
	return nil
}

// entries reads one view as JSON entries; p.mu is held.
func (p *program) entries(v *mapview.View) (*api.MapEntries, error) {
	b, err := v.AppendJSON(nil, p.inst.Running().Collection)
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "program %s: map %s: %v", p.name, v.Name(), err)
	}
	m := &api.MapEntries{Name: v.Name(), Entries: []json.RawMessage{}}
	for line := range bytes.Lines(b) {
		m.Entries = append(m.Entries, json.RawMessage(bytes.TrimSuffix(line, []byte("\n"))))
	}
	return m, nil
}
