package load

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
)

// retarget applies Options.Attach. It returns a copy of spec in which each
// program given targets hooks the first of them, and the sections of the
// further targets by program name; spec itself is left as it is. A program the
// object lacks, one that is also disabled, or a kind whose target is fixed at
// load time is a one-line error.
func retarget(spec *ebpf.CollectionSpec, targets map[string][]string, disabled []Skipped) (*ebpf.CollectionSpec, map[string][]string, error) {
	if len(targets) == 0 {
		return spec, nil, nil
	}
	spec = spec.Copy()
	extra := map[string][]string{}
	// In name order, so that of several bad entries the same one is reported.
	for _, name := range slices.Sorted(maps.Keys(targets)) {
		list := targets[name]
		ps, ok := spec.Programs[name]
		switch {
		case !ok:
			return nil, nil, noProgram(spec, "attach", name)
		case slices.ContainsFunc(disabled, func(d Skipped) bool { return d.Name == name }):
			return nil, nil, fmt.Errorf("load: program %s is both disabled and given targets to attach to: drop one of the two", name)
		case len(list) == 0:
			continue
		}
		sections := make([]string, len(list))
		for i, target := range list {
			s, err := attach.Retarget(ps.SectionName, target)
			if err != nil {
				return nil, nil, &attach.Error{Program: name, Reason: err.Error()}
			}
			sections[i] = s
		}
		ps.SectionName = sections[0]
		if len(sections) > 1 {
			extra[name] = sections[1:]
		}
	}
	return spec, extra, nil
}
