package load

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
)

// disable returns the programs of spec that names names as Skipped, or a
// one-line error naming an entry that matches no program, or saying that
// nothing would be left to run. An entry is a program's name or a glob
// (path.Match) such as "*_enter", which matches every program it fits.
func disable(spec *ebpf.CollectionSpec, names []string) ([]Skipped, error) {
	var out []Skipped
	for _, pattern := range names {
		matched, err := programsMatching(spec, pattern)
		if err != nil {
			return nil, err
		}
		for _, name := range matched {
			if !slices.ContainsFunc(out, func(s Skipped) bool { return s.Name == name }) {
				out = append(out, Skipped{Name: name, Section: spec.Programs[name].SectionName, Reason: "disabled"})
			}
		}
	}
	if len(out) > 0 && len(out) == len(spec.Programs) {
		return nil, errors.New("load: every program of the object is disabled: leave at least one to run")
	}
	return out, nil
}

// noProgram is the error for a program name the object does not have, listing
// the ones it has.
func noProgram(spec *ebpf.CollectionSpec, verb, name string) error {
	all := make([]string, 0, len(spec.Programs))
	for n := range spec.Programs {
		all = append(all, n)
	}
	slices.Sort(all)
	return fmt.Errorf("load: cannot %s %s: the object has no such program; its programs are %s", verb, name, strings.Join(all, ", "))
}

// programsMatching returns the programs of spec that pattern names, sorted: the
// program of that name, or every program the glob matches.
func programsMatching(spec *ebpf.CollectionSpec, pattern string) ([]string, error) {
	if _, ok := spec.Programs[pattern]; ok {
		return []string{pattern}, nil
	}
	var matched []string
	for name := range spec.Programs {
		ok, err := path.Match(pattern, name)
		if err != nil {
			return nil, fmt.Errorf("load: cannot disable %s: %v (a glob takes *, ? and [...])", pattern, err)
		}
		if ok {
			matched = append(matched, name)
		}
	}
	if len(matched) == 0 {
		return nil, noProgram(spec, "disable", pattern)
	}
	slices.Sort(matched)
	return matched, nil
}
