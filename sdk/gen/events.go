package gen

import (
	"fmt"
	"sort"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
)

// eventType is the struct the records of one ring-buffer or perf-buffer map are.
type eventType struct {
	Map    string
	Struct *btf.Struct
}

// events lists the event struct of each event map of pkg, by map name; maps
// whose events are not a struct (or unknown) are left out.
func events(pkg *bpfpkg.Package, spec *ebpf.CollectionSpec) ([]eventType, error) {
	var out []eventType
	for name, m := range spec.Maps {
		if m.Type != ebpf.RingBuf && m.Type != ebpf.PerfEventArray {
			continue
		}
		t, ok, err := pkg.Meta.EventType(spec.Types, name)
		if err != nil {
			return nil, fmt.Errorf("event type of map %s: %v", name, err)
		}
		if s, isStruct := btf.UnderlyingType(t).(*btf.Struct); ok && isStruct && s.Name != "" {
			out = append(out, eventType{Map: name, Struct: s})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Map < out[j].Map })
	return out, nil
}
