package eventtype

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
)

// Infer returns one Result per ring-buffer/perf-event-array map that some program
// writes to, sorted by map name. overrides (map name → struct name, with or without
// the "struct " prefix) win over inference and must name a struct that exists in the
// DWARF; an override also covers an event map no program visibly writes to.
//
// When some map cannot be decided, Infer still returns the Results of the maps it did
// decide, together with the error of the first undecided map (an *AmbiguousError
// when several structs fit), so a caller may warn and go on.
func Infer(obj []byte, overrides map[string]string) ([]Result, error) {
	spec, err := loadSpec(obj)
	if err != nil {
		return nil, err
	}
	events := map[string]bool{}
	for name, m := range spec.Maps {
		if m.Type == ebpf.RingBuf || m.Type == ebpf.PerfEventArray {
			events[name] = true
		}
	}
	for name := range overrides {
		if !events[name] {
			return nil, fmt.Errorf("event type override for map %q: the object has no ring-buffer or perf-event-array map of that name (event maps: %s)", name, list(events))
		}
	}
	if len(events) == 0 {
		return nil, nil
	}

	a := newAnalysis()
	for _, name := range sortedKeys(spec.Programs) {
		insns := spec.Programs[name].Instructions
		if len(insns) == 0 {
			continue
		}
		a.root(newCode(insns), insns[0].Symbol())
	}
	sites := map[string][]site{}
	for _, s := range a.sites {
		if events[s.mapName] {
			sites[s.mapName] = append(sites[s.mapName], s)
		}
	}
	if len(sites) == 0 && len(overrides) == 0 {
		return nil, nil
	}

	d, raw, err := readDWARF(obj)
	if err != nil {
		return nil, fmt.Errorf("infer event types: %w", err)
	}
	x, err := newDebugIndex(d, raw)
	if err != nil {
		return nil, fmt.Errorf("infer event types: read DWARF: %w", err)
	}
	r := &resolver{spec: spec, x: x, a: a}

	var results []Result
	var firstErr error
	for _, name := range sortedKeys(events) {
		var res Result
		var err error
		switch {
		case overrides[name] != "":
			res, err = r.override(name, overrides[name])
		case len(sites[name]) > 0:
			res, err = r.resolve(name, sites[name])
		default:
			continue // nothing writes to it: not an event map of this object
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		results = append(results, res)
	}
	return results, firstErr
}

// loadSpec reads the object's programs and maps, retrying with weak symbols made
// strong when cilium/ebpf refuses them.
func loadSpec(obj []byte) (*ebpf.CollectionSpec, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(obj))
	if err == nil {
		return spec, nil
	}
	if strong, serr := strongSymbols(obj); serr == nil {
		if spec, err2 := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(strong)); err2 == nil {
			return spec, nil
		}
	}
	if _, _, derr := readDWARF(obj); errors.Is(derr, errNoDWARF) {
		// Without -g there is no BTF either, which is what cilium/ebpf trips on.
		return nil, fmt.Errorf("infer event types: %w", derr)
	}
	return nil, fmt.Errorf("infer event types: read BPF object: %w", err)
}
