package nomia

import (
	"sort"

	"github.com/cilium/ebpf"
)

// sortedMapNames gives maps a stable order; the spec's map is unordered.
func sortedMapNames(spec *ebpf.CollectionSpec) []string {
	names := make([]string, 0, len(spec.Maps))
	for name := range spec.Maps {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
