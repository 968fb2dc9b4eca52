package mapview

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/decode"
)

// Kind is how a view renders its map.
type Kind int

const (
	// Table prints key → value rows, largest value first.
	Table Kind = iota
	// Log2Hist prints each key's `slots` as a power-of-two histogram, like BCC.
	Log2Hist
	// LinearHist prints each key's `slots` with one bucket per value.
	LinearHist
)

// String returns the kind's name as eunomia's sample.type spells it.
func (k Kind) String() string {
	switch k {
	case Log2Hist:
		return "log2_hist"
	case LinearHist:
		return "linear_hist"
	}
	return "default_kv"
}

// Symbolizer names the code addresses of a stack trace. Package symbolize's
// *Table implements it. Names returns one name per address, "" for an
// address it cannot name; pid is the process of a user stack (ignored for
// kernel stacks).
type Symbolizer interface {
	Names(pid int, kernel bool, addrs []uint64) []string
}

// Options chooses and shapes the views.
type Options struct {
	// Names are maps or .bss/.data globals to show besides those Plan picks
	// (--map NAME); a name that is neither is an error.
	Names []string
	// Top limits a table to its N largest rows; 0 shows every row.
	Top int
	// Folded prints stack traces as one line each, `comm;frames… count`, root
	// first, for flame graphs.
	Folded bool
	// Symbolizer names stack frames; nil prints addresses in hex.
	Symbolizer Symbolizer
}

// View prints one map (or global) of a loaded collection. Views are made by
// Plan before load and read the collection loaded from the same spec.
type View struct {
	name     string
	kind     Kind
	interval time.Duration
	autoClr  bool
	opts     *Options

	mapName string     // coll.Maps key, for a map
	global  *globalVar // for a .bss/.data variable

	keyLabel   string // name of a scalar key: "key", or "index" for arrays of globals
	showKey    bool   // false for a single-entry map or a plain global
	keyType    btf.Type
	valueType  btf.Type
	keySize    int
	valueSize  int
	perCPU     bool
	clearByPut bool // arrays cannot delete: Clear writes zeros

	keyText, valueText *decode.Decoder // fields for text: the type, or wrap(label)
	keyJSON, valueJSON *decode.Decoder // wrap(keyLabel), wrap("value"): JSON members
	sum                []leaf          // per-CPU summing plan of the value

	slots    slotsField      // histograms
	rest     *decode.Decoder // a histogram value's other fields, nil when none
	restJSON *decode.Decoder // … wrapped as "value", for printing them as a table
	unit     string          // sample unit, or "" to infer from globals
	spec     *ebpf.CollectionSpec

	count  *intField // the value's first integer: what tables sort by
	stacks *stackSet // stack ids in key or value, nil when none
}

// globalVar locates a variable of a data section.
type globalVar struct {
	name  string
	count int // elements when the variable is an array, else 1
	array bool
}

// fieldRef is a named member in the key or the value.
type fieldRef struct {
	inValue bool
	f       intField
}

// Name returns the map's (or global's) name.
func (v *View) Name() string { return v.name }

// Kind returns how the view renders.
func (v *View) Kind() Kind { return v.kind }

// Interval returns the print interval the package asks for (eunomia
// sample.interval), or 0 when it names none.
func (v *View) Interval() time.Duration { return v.interval }

// AutoClear reports whether the package asks for the map to be emptied after
// each print (eunomia sample.clear_map); the caller then calls Clear.
func (v *View) AutoClear() bool { return v.autoClr }

// Plan chooses the maps worth showing, before load: histograms (a value
// with a `slots` array, in a map or a .bss/.data global), eunomia sample maps,
// the names in opts.Names, aggregation maps the programs update but never
// delete from, and .bss/.data arrays of integers the programs add to. Bookkeeping (start-time maps, scratch heaps, ring and perf
// buffers, stack traces, program arrays, nomia_* maps, .rodata/.kconfig) is
// left out. meta may be nil. Views come sorted by name.
func Plan(spec *ebpf.CollectionSpec, meta *bpfpkg.Meta, opts Options) ([]*View, error) {
	wanted := map[string]bool{}
	for _, n := range opts.Names {
		if spec.Maps[n] == nil && !isDataGlobal(spec, n) {
			return nil, fmt.Errorf("no map or global named %q in the program (it has: %s)", n, strings.Join(candidates(spec), ", "))
		}
		wanted[n] = true
	}
	samples := sampleMaps(meta)
	use := scanUsage(spec)
	stackMap := stackMapOf(spec, use)
	o := &opts
	var views []*View
	for _, name := range sortedKeys(spec.Maps) {
		ms := spec.Maps[name]
		if isDataSection(name) || !showable(ms.Type) {
			continue
		}
		_, hist := findSlots(ms.Value)
		sample := samples[name]
		aggregate := use.aggregate(name) && !strings.HasPrefix(name, "nomia_")
		if !wanted[name] && sample == nil && !hist && !aggregate {
			continue
		}
		v, err := newMapView(spec, name, ms, sample, o)
		if err != nil {
			if wanted[name] {
				return nil, err
			}
			continue // a map nobody asked for by name must not stop the run
		}
		v.attachStacks(stackMap)
		views = append(views, v)
	}
	for _, name := range sortedKeys(spec.Variables) {
		vs := spec.Variables[name]
		if !isDataGlobal(spec, name) {
			continue
		}
		elem, count, array := elementOf(vs.Type.Type)
		_, hist := findSlots(elem)
		counters := array && isCounter(elem) && use.counted[name]
		if !hist && !counters && !wanted[name] {
			continue
		}
		if counters && isHistName(name) {
			// funclatency's `__u32 hist[MAX_SLOTS]`: the array is the slots.
			elem, count, array = wrap("slots", vs.Type.Type), 1, false
		}
		v, err := newGlobalView(spec, name, elem, count, array, o)
		if err != nil {
			if wanted[name] {
				return nil, err
			}
			continue
		}
		views = append(views, v)
	}
	slices.SortStableFunc(views, func(a, b *View) int { return strings.Compare(a.name, b.name) })
	return views, nil
}

// showable reports whether a map of type t can hold aggregated data.
func showable(t ebpf.MapType) bool {
	switch t {
	case ebpf.Hash, ebpf.Array, ebpf.PerCPUHash, ebpf.PerCPUArray, ebpf.LRUHash, ebpf.LRUCPUHash:
		return true
	}
	return false
}

func isPerCPU(t ebpf.MapType) bool {
	return t == ebpf.PerCPUHash || t == ebpf.PerCPUArray || t == ebpf.LRUCPUHash
}

// isDataSection reports whether a map holds globals (.bss, .data.foo, .rodata …).
func isDataSection(name string) bool {
	return strings.HasPrefix(name, ".")
}

// isDataGlobal reports whether name is a writable global with BTF: one of
// .bss or .data; .rodata and .kconfig never change at run time.
func isDataGlobal(spec *ebpf.CollectionSpec, name string) bool {
	vs := spec.Variables[name]
	if vs == nil || vs.Type == nil {
		return false
	}
	s := vs.SectionName
	return s == ".bss" || s == ".data" || strings.HasPrefix(s, ".data.")
}

// candidates lists the names Options.Names accepts, sorted, for the error.
func candidates(spec *ebpf.CollectionSpec) []string {
	var out []string
	for _, name := range sortedKeys(spec.Maps) {
		if !isDataSection(name) {
			out = append(out, name)
		}
	}
	for _, name := range sortedKeys(spec.Variables) {
		if isDataGlobal(spec, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	slices.Sort(out)
	return out
}

// sampleMaps indexes the eunomia sample settings by map name and ident.
func sampleMaps(meta *bpfpkg.Meta) map[string]*bpfpkg.MapSample {
	out := map[string]*bpfpkg.MapSample{}
	if meta == nil {
		return out
	}
	for _, m := range meta.Skel.Maps {
		if m.Sample != nil {
			out[m.Name] = m.Sample
			if m.Ident != "" {
				out[m.Ident] = m.Sample
			}
		}
	}
	return out
}

// isHistName reports whether an array of counters is named as a log2
// histogram's buckets are: hist, slots, or *_hist.
func isHistName(name string) bool {
	return name == "hist" || name == "slots" || strings.HasSuffix(name, "_hist")
}

// elementOf splits an array global into element type and count.
func elementOf(t btf.Type) (elem btf.Type, count int, array bool) {
	if arr, ok := btf.UnderlyingType(t).(*btf.Array); ok {
		return arr.Type, int(arr.Nelems), true
	}
	return t, 1, false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
