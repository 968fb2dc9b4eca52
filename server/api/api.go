// Package api holds the JSON documents of nomia's REST API (/v1), shared by the
// server and its Go client so that both sides spell every field the same way.
// The OpenAPI document the server serves at /v1/openapi.json describes them.
package api

import (
	"encoding/json"
	"time"
)

// StartRequest asks the server to start a program (POST /v1/programs). Exactly
// one of Package and Source is set.
type StartRequest struct {
	// Name identifies the program in every later call: letters, digits, '.',
	// '_' and '-', at most 63 characters. Empty means the package's object name.
	Name string `json:"name,omitempty"`
	// Package is an uploaded package.json document.
	Package json.RawMessage `json:"package,omitempty"`
	// Source is a reference the server resolves itself (a URL or an OCI
	// reference; a path on the server's file system also works).
	Source string `json:"source,omitempty"`
	// Args are the program's flags, one per global, as `nomia run` takes them
	// after SOURCE: ["--targ_pid", "42"].
	Args []string `json:"args,omitempty"`
	// Options are the runner's options.
	Options RunOptions `json:"options,omitzero"`
}

// RunOptions are the runner flags of `nomia run` that a started program keeps.
type RunOptions struct {
	// Iface is the network interface for xdp, tc and socket programs.
	Iface string `json:"iface,omitempty"`
	// Cgroup is the cgroup v2 directory for cgroup programs.
	Cgroup string `json:"cgroup,omitempty"`
	// PID restricts uprobes to one process.
	PID int `json:"pid,omitempty"`
	// Binary is the binary or library of uprobes whose section names no path.
	Binary string `json:"binary,omitempty"`
	// Freq is the sampling frequency of perf_event programs.
	Freq uint64 `json:"freq,omitempty"`
	// RingBufSize is the least size of every ring buffer, a power of two.
	RingBufSize uint32 `json:"ringbuf_size,omitempty"`
	// Skip names programs not to load or attach; globs ("*_enter") match
	// every program they fit.
	Skip []string `json:"skip,omitempty"`
	// Attach points programs at targets their sections do not name: program
	// name → targets (PATH:SYMBOL for uprobes, FUNCTION for kprobes).
	Attach map[string][]string `json:"attach,omitempty"`
}

// State is where a program is in its life.
type State string

// The states a program can be in.
const (
	// Running: loaded, attached, delivering events.
	Running State = "running"
	// Paused: loaded and attached, but events are counted and dropped rather
	// than buffered for streams.
	Paused State = "paused"
	// Failed: the program could not start (e.g. when restored after a restart)
	// or its reader failed; nothing of it is loaded. Stop removes it.
	Failed State = "failed"
)

// Program describes a program the server runs (GET /v1/programs/{name}).
type Program struct {
	// Name is the program's name on the server.
	Name string `json:"name"`
	// State says whether it runs, is paused or failed.
	State State `json:"state"`
	// Error says why a failed program failed.
	Error string `json:"error,omitempty"`
	// Object is the package's object name (e.g. opensnoop_bpf).
	Object string `json:"object"`
	// Started is when it was loaded and attached.
	Started time.Time `json:"started,omitzero"`
	// Args are the program flags it was started with.
	Args []string `json:"args,omitempty"`
	// Options are the runner options it was started with.
	Options RunOptions `json:"options,omitzero"`
	// Programs are the kernel programs attached, with their attach points
	// (ELF section names).
	Programs []Attached `json:"programs,omitempty"`
	// Skipped are programs left out (twins, hooks missing from this kernel).
	Skipped []Skipped `json:"skipped,omitempty"`
	// Maps lists the program's maps.
	Maps []Map `json:"maps,omitempty"`
	// EventMaps names the ring and perf buffers whose records stream as events.
	EventMaps []string `json:"event_maps,omitempty"`
	// Counters count what happened to events.
	Counters Counters `json:"counters"`
	// Notes are the runner's one-line notes from Start.
	Notes []string `json:"notes,omitempty"`
}

// Attached is one attached kernel program.
type Attached struct {
	// Name is the program's function name.
	Name string `json:"name"`
	// Section is its ELF section, which names the attach point.
	Section string `json:"section"`
	// ID is the kernel's program id (bpftool prog show id ID).
	ID uint32 `json:"id,omitempty"`
}

// Skipped is a kernel program left out, and why.
type Skipped struct {
	// Name is the program's function name.
	Name string `json:"name"`
	// Section is its ELF section.
	Section string `json:"section"`
	// Reason is why it was left out.
	Reason string `json:"reason"`
}

// Map is one map of a program.
type Map struct {
	// Name is the map's name.
	Name string `json:"name"`
	// Type is the kernel's map type (Hash, RingBuf …).
	Type string `json:"type"`
	// MaxEntries is the map's size as loaded.
	MaxEntries uint32 `json:"max_entries"`
	// View is how the server shows the map ("log2_hist", "linear_hist",
	// "default_kv"), empty when it shows it only on request.
	View string `json:"view,omitempty"`
}

// Counters count a program's events.
type Counters struct {
	// Events is how many records were read from the kernel.
	Events uint64 `json:"events"`
	// Lost is, per event map, how many records the kernel could not deliver
	// (full perf buffer or ring buffer).
	Lost map[string]uint64 `json:"lost,omitempty"`
	// DecodeErrors counts records shorter than their event type.
	DecodeErrors uint64 `json:"decode_errors"`
	// Paused counts records dropped while the program was paused.
	Paused uint64 `json:"paused"`
	// Overwritten counts events that left the bounded stream buffer before
	// some stream client had read them.
	Overwritten uint64 `json:"overwritten"`
}

// ProgramList is the answer of GET /v1/programs.
type ProgramList struct {
	// Programs are sorted by name.
	Programs []Program `json:"programs"`
}

// Event is the JSON of one Server-Sent Event on
// GET /v1/programs/{name}/events; its SSE id is Seq.
type Event struct {
	// Seq numbers the program's events from 1 (again after a restart).
	Seq uint64 `json:"seq"`
	// Time is when the server read the record.
	Time time.Time `json:"time"`
	// Map is the ring or perf buffer the record came from.
	Map string `json:"map"`
	// Data is the record decoded by its BTF type, or {"size":N,"data":"hex"}
	// when the package names none.
	Data json.RawMessage `json:"data"`
}

// Gap is the data of an SSE "gap" event: the stream resumed after events the
// bounded buffer no longer holds.
type Gap struct {
	// Missed is how many events the client will not see.
	Missed uint64 `json:"missed"`
}

// MapEntries is one map's contents (GET /v1/programs/{name}/maps/{map}); each
// entry is the JSON of package mapview ({"map":…,"key":…,"value":…} or
// {"map":…,"key":…,"hist":…}).
type MapEntries struct {
	// Name is the map's (or global's) name.
	Name string `json:"name"`
	// Entries are its non-zero entries.
	Entries []json.RawMessage `json:"entries"`
}

// MapSnapshot is the answer of GET /v1/programs/{name}/maps and the data of
// each SSE "maps" event of GET /v1/programs/{name}/maps/stream.
type MapSnapshot struct {
	// Time is when the maps were read.
	Time time.Time `json:"time"`
	// Maps are sorted by name.
	Maps []MapEntries `json:"maps"`
}

// Error is the body of every 4xx and 5xx answer.
type Error struct {
	// Error is one line: what failed, naming the thing, with a hint.
	Error string `json:"error"`
}

// Health is the answer of GET /healthz.
type Health struct {
	// Status is "ok".
	Status string `json:"status"`
	// Programs is how many programs the server holds.
	Programs int `json:"programs"`
	// Version is the nomia release.
	Version string `json:"version"`
}
