package bpfpkg

import "encoding/json"

// Meta is the "meta" object of a package.
type Meta struct {
	// Skel describes the object: programs, maps and global variables.
	Skel Skel `json:"bpf_skel"`
	// ExportTypes lists the event structs that ring-buffer and perf-buffer maps
	// carry. Without EnableMultipleExportTypes the first entry applies to every
	// event map, as in eunomia-bpf.
	ExportTypes []ExportType `json:"export_types"`
	// EunomiaVersion is informational: the eunomia-bpf version that wrote the file.
	EunomiaVersion string `json:"eunomia_version,omitempty"`
	// PollTimeoutMs is the buffer poll timeout eunomia uses; 0 means its default (100).
	PollTimeoutMs int `json:"poll_timeout_ms,omitempty"`
	// EnableMultipleExportTypes makes each map's ExportConfig choose its event type.
	EnableMultipleExportTypes bool `json:"enable_multiple_export_types,omitempty"`
	// Nomia holds what nomia adds to the eunomia format.
	Nomia *NomiaMeta `json:"nomia,omitempty"`
}

// NomiaMeta is nomia's own part of the metadata; eunomia-bpf ignores it.
type NomiaMeta struct {
	// Version of nomia that wrote the package.
	Version string `json:"version,omitempty"`
	// Source is the base name of the C file the package was built from.
	Source string `json:"source,omitempty"`
}

// Skel is eunomia's "bpf_skel": a description of the object.
type Skel struct {
	// ObjName is the object name, e.g. "opensnoop_bpf".
	ObjName string `json:"obj_name"`
	// Doc is the tool's documentation, taken from the comment on LICENSE.
	Doc *Doc `json:"doc,omitempty"`
	// DataSections lists global variables per section (.rodata, .data, .bss …).
	DataSections []DataSection `json:"data_sections"`
	// Maps lists the object's maps.
	Maps []Map `json:"maps"`
	// Progs lists the object's programs.
	Progs []Prog `json:"progs"`
}

// Doc documents a tool, in eunomia's fields.
type Doc struct {
	// Version is the tool's version, from @version.
	Version string `json:"version,omitempty"`
	// Brief is a one-paragraph summary, from @brief or untagged text.
	Brief string `json:"brief,omitempty"`
	// Details is longer help text, from @details.
	Details string `json:"details,omitempty"`
	// Description is free text, from @description.
	Description string `json:"description,omitempty"`
}

// DataSection is a section of global variables.
type DataSection struct {
	// Name is the ELF section, e.g. ".rodata".
	Name string `json:"name"`
	// Variables are the globals the section holds.
	Variables []Variable `json:"variables"`
}

// Variable is one global variable.
type Variable struct {
	// Name is the C identifier.
	Name string `json:"name"`
	// Type is the C spelling of the type from BTF, e.g. "pid_t" or "char[16]".
	Type string `json:"type"`
	// Value is the initial value, when known (number, bool, string or array).
	Value json.RawMessage `json:"value,omitempty"`
	// Description is the text of the doc comment above the declaration.
	Description string `json:"description,omitempty"`
	// CmdArg overrides the command-line flag for the variable (eunomia).
	CmdArg *CmdArg `json:"cmdarg,omitempty"`
}

// CmdArg is eunomia's command-line flag description of a variable.
type CmdArg struct {
	// Default is the flag's default value, as JSON.
	Default json.RawMessage `json:"default,omitempty"`
	// Long is the long flag name, without "--".
	Long string `json:"long,omitempty"`
	// Short is the one-letter flag name, without "-".
	Short string `json:"short,omitempty"`
	// Help is the flag's help text.
	Help string `json:"help,omitempty"`
}

// Map describes one map.
type Map struct {
	// Name is the map's name in the object.
	Name string `json:"name"`
	// Ident is the C identifier (eunomia); usually equal to Name.
	Ident string `json:"ident"`
	// Mmaped is true for maps of global data (.rodata, .bss …).
	Mmaped bool `json:"mmaped,omitempty"`
	// Sample asks for the map to be printed periodically (eunomia).
	Sample *MapSample `json:"sample,omitempty"`
	// ExportConfig selects the event type with EnableMultipleExportTypes:
	// "no_export", "default", {"btf_type_id": N} or {"custom_members": [...]}.
	ExportConfig json.RawMessage `json:"export_config,omitempty"`
	// Intepreter (sic, eunomia's spelling) marks special maps such as stack traces.
	Intepreter json.RawMessage `json:"intepreter,omitempty"`
}

// MapSample is eunomia's periodic map printing.
type MapSample struct {
	// Interval between prints, in milliseconds.
	Interval int `json:"interval"`
	// Type is "log2_hist", "linear_hist" or "default_kv".
	Type string `json:"type"`
	// Unit labels histogram buckets, e.g. "usecs".
	Unit string `json:"unit,omitempty"`
	// ClearMap empties the map after each print.
	ClearMap bool `json:"clear_map,omitempty"`
}

// Prog describes one program.
type Prog struct {
	// Name is the C function name.
	Name string `json:"name"`
	// Attach is the ELF section name, e.g. "tracepoint/syscalls/sys_enter_openat".
	Attach string `json:"attach"`
	// Link is true when the program attaches through a BPF link.
	Link bool `json:"link"`
	// TCHook and TCOpts are eunomia's tc attach settings.
	TCHook *TCHook `json:"tchook,omitempty"`
	TCOpts *TCOpts `json:"tcopts,omitempty"`
	// Ifindex, Flags and XDPOpts are eunomia's xdp attach settings.
	Ifindex *int            `json:"ifindex,omitempty"`
	Flags   *uint32         `json:"flags,omitempty"`
	XDPOpts json.RawMessage `json:"xdpopts,omitempty"`
}

// TCHook is where a tc program attaches.
type TCHook struct {
	// Ifindex is the network interface's index.
	Ifindex int `json:"ifindex"`
	// AttachPoint is "BPF_TC_INGRESS" or "BPF_TC_EGRESS".
	AttachPoint string `json:"attach_point"`
}

// TCOpts are tc filter options.
type TCOpts struct {
	// Handle is the tc filter handle.
	Handle uint32 `json:"handle"`
	// Priority is the tc filter priority.
	Priority uint32 `json:"priority"`
}

// ExportType is an event struct, described by its BTF type id in the object.
type ExportType struct {
	// Name of the struct, e.g. "event".
	Name string `json:"name"`
	// Size in bytes.
	Size int `json:"size"`
	// TypeID is the struct's id in the object's BTF.
	TypeID int `json:"type_id"`
	// Members lists field names and C types, for readers without BTF.
	Members []Member `json:"members"`
}

// Member is one field of an ExportType.
type Member struct {
	// Name is the field's C identifier.
	Name string `json:"name"`
	// Type is the C spelling of the field's type, e.g. "char[16]".
	Type string `json:"type"`
}

// DefaultSampleType is eunomia-bpf's printer for a sampled map whose sample
// names no type.
const DefaultSampleType = "default_kv"

// fillDefaults writes eunomia-bpf's defaults into fields that files may omit,
// so that readers need not know them.
func (m *Meta) fillDefaults() {
	for i := range m.Skel.Maps {
		if s := m.Skel.Maps[i].Sample; s != nil && s.Type == "" {
			s.Type = DefaultSampleType
		}
	}
}
