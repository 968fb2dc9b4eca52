package bpfpkg

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/cilium/ebpf/btf"
)

// EventType returns the type of the events that map mapName carries, looked up
// in types (the object's BTF), by the rules of EventTypeID. For an
// export_config with custom_members it builds a struct named after the map
// with the listed members at their byte offsets, in offset order; members
// that overlap, or name a type id the object lacks, are an error, as in
// eunomia-bpf. ok is false when the map exports nothing.
func (m *Meta) EventType(types *btf.Spec, mapName string) (t btf.Type, ok bool, err error) {
	c, err := m.exportChoice(mapName)
	if err != nil || !c.ok {
		return nil, false, err
	}
	if types == nil {
		return nil, false, fmt.Errorf("package: map %s: the object has no BTF to decode events with", mapName)
	}
	if c.custom == nil {
		t, err := types.TypeByID(btf.TypeID(c.id))
		if err != nil {
			return nil, false, fmt.Errorf("package: map %s: event type id %d is not in the object's BTF (%v): rebuild the package", mapName, c.id, err)
		}
		return t, true, nil
	}
	s, err := customStruct(types, mapName, c.custom)
	if err != nil {
		return nil, false, err
	}
	return s, true, nil
}

// customStruct lays the custom members out as a struct.
func customStruct(types *btf.Spec, mapName string, members []CustomMember) (*btf.Struct, error) {
	members = slices.SortedStableFunc(slices.Values(members), func(a, b CustomMember) int { return cmp.Compare(a.Offset, b.Offset) })
	s := &btf.Struct{Name: mapName}
	for _, cm := range members {
		t, err := types.TypeByID(btf.TypeID(cm.BTFTypeID))
		if err != nil {
			return nil, fmt.Errorf("package: map %s: custom member %s: type id %d is not in the object's BTF: fix the package's export_config", mapName, cm.Name, cm.BTFTypeID)
		}
		size, err := btf.Sizeof(t)
		if err != nil {
			return nil, fmt.Errorf("package: map %s: custom member %s: type id %d has no size (%v)", mapName, cm.Name, cm.BTFTypeID, err)
		}
		if cm.Offset < s.Size {
			return nil, fmt.Errorf("package: map %s: custom member %s at offset %d overlaps the member before it (which ends at %d): fix the package's export_config", mapName, cm.Name, cm.Offset, s.Size)
		}
		s.Members = append(s.Members, btf.Member{Name: cm.Name, Type: t, Offset: btf.Bits(cm.Offset * 8)})
		s.Size = cm.Offset + uint32(size)
	}
	return s, nil
}
