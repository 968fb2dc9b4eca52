package load

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
)

// disable checks that every name in names is a program of spec and returns
// them as Skipped, or a one-line error naming the unknown program, or saying
// that nothing would be left to run.
func disable(spec *ebpf.CollectionSpec, names []string) ([]Skipped, error) {
	var out []Skipped
	for _, name := range names {
		ps, ok := spec.Programs[name]
		if !ok {
			all := make([]string, 0, len(spec.Programs))
			for n := range spec.Programs {
				all = append(all, n)
			}
			slices.Sort(all)
			return nil, fmt.Errorf("load: cannot disable %s: the object has no such program; its programs are %s", name, strings.Join(all, ", "))
		}
		if !slices.ContainsFunc(out, func(s Skipped) bool { return s.Name == name }) {
			out = append(out, Skipped{Name: name, Section: ps.SectionName, Reason: "disabled"})
		}
	}
	if len(out) > 0 && len(out) == len(spec.Programs) {
		return nil, errors.New("load: every program of the object is disabled: leave at least one to run")
	}
	return out, nil
}
