package eventtype

import (
	"slices"
	"testing"
)

func TestPrefer(t *testing.T) {
	var (
		kernelEvent = &structType{name: "struct perf_event", kernel: true}
		event       = &structType{name: "struct event"}
		execEvent   = &structType{name: "struct exec_event"}
		sample      = &structType{name: "struct sample"}
		key         = &structType{name: "struct key_t"}
		tick        = &structType{name: "tick_t"}
	)
	cases := []struct {
		mapName string
		in      []*structType
		want    []*structType
		why     string
	}{
		{"events", []*structType{key}, []*structType{key}, ""},
		{"events", []*structType{kernelEvent, key}, []*structType{key}, "preferred: not from vmlinux.h"},
		{"samples", []*structType{key, sample}, []*structType{sample}, "preferred: named like the map"},
		{"ticks", []*structType{key, tick}, []*structType{tick}, "preferred: named like the map"},
		{"rb", []*structType{key, execEvent}, []*structType{execEvent}, `preferred: named "event"`},
		{"events", []*structType{kernelEvent, event, key}, []*structType{event}, "preferred: not from vmlinux.h, named like the map"},
		// Two event-named structs: the map name decides.
		{"exec_events", []*structType{event, execEvent}, []*structType{execEvent}, "preferred: named like the map"},
		// Nothing separates them: both stay, and the caller reports ambiguity.
		{"out", []*structType{key, sample}, []*structType{key, sample}, ""},
	}
	for _, c := range cases {
		got, why := prefer(c.in, c.mapName)
		if !slices.Equal(got, c.want) || why != c.why {
			t.Errorf("prefer(%s, %s) = %s %q, want %s %q", sortedNames(c.in), c.mapName, sortedNames(got), why, sortedNames(c.want), c.why)
		}
	}
}
