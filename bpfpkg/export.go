package bpfpkg

import (
	"encoding/json"
	"fmt"
)

// EventTypeID returns the BTF type id of the events that map mapName carries, as
// eunomia-bpf chooses it: with EnableMultipleExportTypes, from the map's
// export_config; otherwise the first export type for every event map. ok is false
// when the map exports nothing.
func (m *Meta) EventTypeID(mapName string) (id int, ok bool, err error) {
	if !m.EnableMultipleExportTypes {
		return m.defaultExport()
	}
	var cfg json.RawMessage
	for _, mp := range m.Skel.Maps {
		if mp.Name == mapName {
			cfg = mp.ExportConfig
		}
	}
	if len(cfg) == 0 || string(cfg) == "null" {
		return m.defaultExport()
	}
	var word string
	if json.Unmarshal(cfg, &word) == nil {
		switch word {
		case "no_export":
			return 0, false, nil
		case "default":
			return m.defaultExport()
		}
		return 0, false, fmt.Errorf("package: map %s: export_config %q is not \"no_export\" or \"default\"", mapName, word)
	}
	var obj struct {
		BTFTypeID     *int            `json:"btf_type_id"`
		CustomMembers json.RawMessage `json:"custom_members"`
	}
	if err := json.Unmarshal(cfg, &obj); err != nil {
		return 0, false, fmt.Errorf("package: map %s: export_config is malformed (%v)", mapName, err)
	}
	if obj.BTFTypeID != nil {
		return *obj.BTFTypeID, true, nil
	}
	if obj.CustomMembers != nil {
		return 0, false, fmt.Errorf("package: map %s: export_config custom_members is not supported yet: give the map a btf_type_id", mapName)
	}
	return 0, false, fmt.Errorf("package: map %s: export_config has neither btf_type_id nor custom_members", mapName)
}

// defaultExport is eunomia's choice without a per-map config: the first
// export type, if any.
func (m *Meta) defaultExport() (int, bool, error) {
	if len(m.ExportTypes) == 0 {
		return 0, false, nil
	}
	return m.ExportTypes[0].TypeID, true, nil
}
