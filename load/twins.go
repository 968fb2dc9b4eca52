package load

import (
	"fmt"
	"slices"
	"sort"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
)

// rank orders the flavours of one twin group: lower is preferred.
var rank = map[string]int{
	"fentry": 0, "fexit": 0, "kprobe": 1, "kretprobe": 1,
	"tp_btf": 0, "raw_tp": 1, "tracepoint": 2,
}

// flavour is the programs of one twin group that share a hook kind; they stand
// or fall together.
type flavour struct {
	kind  string
	progs []string
	dead  bool  // refused at load or attach
	unit  *unit // the twin group it belongs to
}

// unit is a set of alternative flavours; a program without twins is a unit of one.
type unit struct {
	flavours []*flavour
}

// live returns the flavours not refused yet, in order of preference.
func (u *unit) live() []*flavour {
	var l []*flavour
	for _, f := range u.flavours {
		if !f.dead {
			l = append(l, f)
		}
	}
	return l
}

// plan is how Start sees a spec: its programs' hooks, grouped into units.
type plan struct {
	units   []*unit
	hooks   map[string]attach.Hook
	flavour map[string]*flavour // by program name
	extra   map[string][]string // sections of further attachments (Options.Attach)
}

// newPlan groups spec's programs, but for the disabled ones, into units, in a
// stable order (by the name of each unit's first program).
func newPlan(spec *ebpf.CollectionSpec, disabled []Skipped) (*plan, error) {
	names := make([]string, 0, len(spec.Programs))
	for name := range spec.Programs {
		if !slices.ContainsFunc(disabled, func(d Skipped) bool { return d.Name == name }) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	hooks := map[string]attach.Hook{}
	byTwin := map[string]*unit{}
	byProg := map[string]*flavour{}
	var units []*unit
	for _, name := range names {
		h, err := attach.ParseSection(spec.Programs[name].SectionName)
		if err != nil {
			return nil, &attach.Error{Program: name, Reason: err.Error()}
		}
		hooks[name] = h
		u := byTwin[h.Twin] // never set for "", a hook without twins
		if u == nil {
			u = &unit{}
			units = append(units, u)
			if h.Twin != "" {
				byTwin[h.Twin] = u
			}
		}
		i := slices.IndexFunc(u.flavours, func(f *flavour) bool { return f.kind == h.Kind })
		if i < 0 {
			u.flavours = append(u.flavours, &flavour{kind: h.Kind, unit: u})
			i = len(u.flavours) - 1
		}
		u.flavours[i].progs = append(u.flavours[i].progs, name)
		byProg[name] = u.flavours[i]
	}
	for _, u := range units {
		sort.SliceStable(u.flavours, func(i, j int) bool { return rank[u.flavours[i].kind] < rank[u.flavours[j].kind] })
	}
	return &plan{units: units, hooks: hooks, flavour: byProg}, nil
}

// failure is why one program could not be used.
type failure struct {
	prog, section, reason string
}

func (f failure) String() string {
	return fmt.Sprintf("program %s (%s): %s", f.prog, f.section, f.reason)
}
