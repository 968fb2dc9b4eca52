package nomia

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

func TestFillMapSizes(t *testing.T) {
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"stackmap": {Type: ebpf.StackTrace, KeySize: 4},
		"hists":    {Type: ebpf.Hash, KeySize: 4, ValueSize: 8},
		"sized":    {Type: ebpf.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 7},
		"storage":  {Type: ebpf.TaskStorage, KeySize: 4, ValueSize: 8},
	}}
	var notes strings.Builder
	fillMapSizes(spec, &notes)
	if m := spec.Maps["stackmap"]; m.MaxEntries != 1024 || m.ValueSize != 127*8 {
		t.Errorf("stack map sized %d × %d, want 1024 × %d", m.MaxEntries, m.ValueSize, 127*8)
	}
	if got := spec.Maps["hists"].MaxEntries; got != 10240 {
		t.Errorf("hash map sized %d, want 10240", got)
	}
	if got := spec.Maps["sized"].MaxEntries; got != 7 {
		t.Errorf("a sized map changed to %d", got)
	}
	if got := spec.Maps["storage"].MaxEntries; got != 0 {
		t.Errorf("task storage must stay 0, got %d", got)
	}
	want := "nomia: map hists: the object leaves its size to user space; using 10240 entries\n" +
		"nomia: map stackmap: the object leaves its size to user space; using 1024 entries\n"
	if notes.String() != want {
		t.Errorf("notes:\n%s\nwant:\n%s", notes.String(), want)
	}
}
