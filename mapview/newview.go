package mapview

import (
	"fmt"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/decode"
)

// newMapView prepares the view of one map.
func newMapView(spec *ebpf.CollectionSpec, name string, ms *ebpf.MapSpec, sample *bpfpkg.MapSample, opts *Options) (*View, error) {
	v := &View{
		name: name, mapName: name, opts: opts, spec: spec,
		keyLabel:   "key",
		showKey:    ms.MaxEntries != 1 || isComposite(ms.Key),
		perCPU:     isPerCPU(ms.Type),
		clearByPut: ms.Type == ebpf.Array || ms.Type == ebpf.PerCPUArray,
	}
	if sample != nil {
		v.interval = time.Duration(sample.Interval) * time.Millisecond
		v.autoClr = sample.ClearMap
		v.unit = sample.Unit
	}
	sampleType := ""
	if sample != nil {
		sampleType = sample.Type
	}
	err := v.setTypes(orBytes(ms.Key, ms.KeySize), orBytes(ms.Value, ms.ValueSize), sampleType)
	return v, err
}

// newGlobalView prepares the view of a .bss/.data variable: an array's index
// is its key.
func newGlobalView(spec *ebpf.CollectionSpec, name string, elem btf.Type, count int, array bool, opts *Options) (*View, error) {
	v := &View{
		name: name, opts: opts, spec: spec,
		global:   &globalVar{name: name, count: count, array: array},
		keyLabel: "index",
		showKey:  array,
	}
	return v, v.setTypes(&btf.Int{Name: "u32", Size: 4}, elem, "")
}

// setTypes compiles the decoders for key and value and picks the kind: a value
// with `slots` is a histogram, log2 unless the eunomia sample type says
// linear_hist, and a table when it says default_kv.
func (v *View) setTypes(key, value btf.Type, sampleType string) error {
	v.keyType, v.valueType = key, value
	ks, err := btf.Sizeof(key)
	if err != nil {
		return fmt.Errorf("mapview: map %s: key type: %w", v.name, err)
	}
	vs, err := btf.Sizeof(value)
	if err != nil {
		return fmt.Errorf("mapview: map %s: value type: %w", v.name, err)
	}
	v.keySize, v.valueSize = ks, vs
	if slots, ok := findSlots(value); ok && slots.offset+slots.n*slots.elem <= vs && sampleType != "default_kv" {
		v.slots = slots
		v.kind = Log2Hist
		if sampleType == "linear_hist" {
			v.kind = LinearHist
		}
		if rest := withoutMember(value, "slots"); len(rest.Members) > 0 {
			if v.rest, err = decode.New(rest); err != nil {
				return v.typeErr(err)
			}
			if v.restJSON, err = decode.New(wrap("value", rest)); err != nil {
				return v.typeErr(err)
			}
		}
	}
	v.keyText, err = textDecoder(v.keyLabel, key)
	if err != nil {
		return v.typeErr(err)
	}
	if v.valueText, err = textDecoder("value", value); err != nil {
		return v.typeErr(err)
	}
	if v.keyJSON, err = decode.New(wrap(v.keyLabel, key)); err != nil {
		return v.typeErr(err)
	}
	if v.valueJSON, err = decode.New(wrap("value", value)); err != nil {
		return v.typeErr(err)
	}
	v.sum = leaves(value, 0, nil)
	if counts := intMembers(value, func(string) bool { return true }); len(counts) > 0 {
		v.count = &counts[0]
	} else if in, ok := btf.UnderlyingType(value).(*btf.Int); ok && in.Size <= 8 {
		v.count = &intField{name: "value", size: int(in.Size), signed: in.Encoding == btf.Signed}
	}
	return nil
}

func (v *View) typeErr(err error) error {
	return fmt.Errorf("mapview: map %s: %w", v.name, err)
}

// textDecoder decodes t's own fields when it is a struct or union, else t as
// one field named label.
func textDecoder(label string, t btf.Type) (*decode.Decoder, error) {
	if isComposite(t) {
		return decode.New(t)
	}
	return decode.New(wrap(label, t))
}

// attachStacks notes the stack-id fields of key and value, and the pid that
// names their process, when the object has a stack-trace map.
func (v *View) attachStacks(stackMap string) {
	v.stacks = newStackSet(v.keyType, v.valueType, stackMap, v.opts.Symbolizer)
	if v.stacks != nil && v.count != nil && isStackID(v.count.name) {
		v.count = nil // a value of stack ids only counts nothing
	}
}
