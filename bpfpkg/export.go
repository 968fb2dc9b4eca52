package bpfpkg

import (
	"encoding/json"
	"fmt"
)

// CustomMember is one field of an export_config {"custom_members": [...]}:
// a named slice of the record at a byte offset, typed by a BTF type id of the
// object.
type CustomMember struct {
	// Name is the field's name in the output.
	Name string `json:"name"`
	// Offset is the field's byte offset in the record.
	Offset uint32 `json:"offset"`
	// BTFTypeID is the field's type in the object's BTF.
	BTFTypeID int `json:"btf_type_id"`
}

// exportChoice is what a map's export settings select: nothing, a type id, or
// custom members.
type exportChoice struct {
	ok     bool
	id     int
	custom []CustomMember
}

// EventTypeID returns the BTF type id of the events that map mapName carries, as
// eunomia-bpf chooses it: with EnableMultipleExportTypes, from the map's
// export_config; otherwise the first export type for every event map. ok is false
// when the map exports nothing. A map with custom_members has no single id: use
// EventType.
func (m *Meta) EventTypeID(mapName string) (id int, ok bool, err error) {
	c, err := m.exportChoice(mapName)
	if err != nil {
		return 0, false, err
	}
	if c.custom != nil {
		return 0, false, fmt.Errorf("package: map %s: export_config custom_members has no single type id", mapName)
	}
	return c.id, c.ok, nil
}

func (m *Meta) exportChoice(mapName string) (exportChoice, error) {
	if !m.EnableMultipleExportTypes {
		return m.defaultExport(), nil
	}
	var cfg json.RawMessage
	for _, mp := range m.Skel.Maps {
		if mp.Name == mapName {
			cfg = mp.ExportConfig
		}
	}
	if len(cfg) == 0 || string(cfg) == "null" {
		return m.defaultExport(), nil
	}
	var word string
	if json.Unmarshal(cfg, &word) == nil {
		switch word {
		case "no_export":
			return exportChoice{}, nil
		case "default":
			return m.defaultExport(), nil
		}
		return exportChoice{}, fmt.Errorf("package: map %s: export_config %q is not \"no_export\" or \"default\"", mapName, word)
	}
	var obj struct {
		BTFTypeID     *int           `json:"btf_type_id"`
		CustomMembers []CustomMember `json:"custom_members"`
	}
	if err := json.Unmarshal(cfg, &obj); err != nil {
		return exportChoice{}, fmt.Errorf("package: map %s: export_config is malformed (%v)", mapName, err)
	}
	switch {
	case obj.BTFTypeID != nil:
		return exportChoice{ok: true, id: *obj.BTFTypeID}, nil
	case len(obj.CustomMembers) > 0:
		return exportChoice{ok: true, custom: obj.CustomMembers}, nil
	}
	return exportChoice{}, fmt.Errorf("package: map %s: export_config has neither btf_type_id nor custom_members", mapName)
}

// defaultExport is eunomia's choice without a per-map config: the first
// export type, if any.
func (m *Meta) defaultExport() exportChoice {
	if len(m.ExportTypes) == 0 {
		return exportChoice{}
	}
	return exportChoice{ok: true, id: m.ExportTypes[0].TypeID}
}
