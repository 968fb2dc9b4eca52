package mapview

import (
	"strconv"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/decode"
)

// AppendJSON appends the view's current contents as JSON lines, one object per
// entry (see the package documentation for their shape), and returns the
// extended slice. An empty map appends nothing.
func (v *View) AppendJSON(dst []byte, coll *ebpf.Collection) ([]byte, error) {
	es, kind, err := v.contents(coll)
	if err != nil {
		return dst, err
	}
	unit := ""
	if kind != Table {
		unit = v.unitName(coll)
	} else {
		es = v.top(es)
	}
	_, valueJSON := v.valueDecoders(kind)
	for _, e := range es {
		dst = append(dst, `{"map":`...)
		dst = decode.AppendJSONString(dst, []byte(v.name))
		if v.showKey {
			dst = v.keyJSON.AppendJSONMembers(dst, e.key)
		}
		if kind == Table {
			dst = valueJSON.AppendJSONMembers(dst, e.value)
		} else {
			dst = v.appendJSONHist(dst, e.value, unit)
			if v.rest != nil {
				dst = v.rest.AppendJSONMembers(dst, e.value)
			}
		}
		stacks, err := v.stacks.resolve(coll, e)
		if err != nil {
			return dst, err
		}
		dst = append(appendJSONStacks(dst, stacks), "}\n"...)
	}
	return dst, nil
}

// appendJSONHist appends `,"hist":{"unit":…,"buckets":[…]}`: log2 buckets
// {"low","high","count"} from 0 to the last non-zero one, as the text shows
// them; linear buckets {"value","count"} for non-zero counts only.
func (v *View) appendJSONHist(dst, value []byte, unit string) []byte {
	vals := v.slotValues(value)
	dst = append(dst, `,"hist":{"unit":`...)
	dst = decode.AppendJSONString(dst, []byte(unit))
	dst = append(dst, `,"buckets":[`...)
	last := -1
	for i, n := range vals {
		if n > 0 {
			last = i
		}
	}
	first := true
	for i := 0; i <= last; i++ {
		if v.kind == LinearHist && vals[i] == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if v.kind == LinearHist {
			dst = append(dst, `{"value":`...)
			dst = strconv.AppendInt(dst, int64(i), 10)
		} else {
			low, high := log2Bounds(i)
			dst = append(dst, `{"low":`...)
			dst = strconv.AppendUint(dst, low, 10)
			dst = append(dst, `,"high":`...)
			dst = strconv.AppendUint(dst, high, 10)
		}
		dst = append(dst, `,"count":`...)
		dst = strconv.AppendUint(dst, vals[i], 10)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// appendJSONStacks appends `,"stacks":{"kern_stack_id":["leaf",…],…}`, one
// array of frames per stack id field, leaf first; null for a stack the stack
// map no longer holds; absent for ids that are negative (no stack). It
// appends nothing when no id names a stack.
func appendJSONStacks(dst []byte, stacks []stack) []byte {
	if len(stacks) == 0 {
		return dst
	}
	dst = append(dst, `,"stacks":{`...)
	for i, s := range stacks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = decode.AppendJSONString(dst, []byte(s.field))
		if s.missed {
			dst = append(dst, ":null"...)
			continue
		}
		dst = append(dst, ":["...)
		for j, f := range s.frames {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = decode.AppendJSONString(dst, []byte(f))
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}
