package mapview

import "github.com/cilium/ebpf"

// unitName labels histogram buckets: the package's sample unit, else what the
// libbpf-tools convention of unit flags says (targ_ms → msecs, targ_ns →
// nsecs, usecs when the source has either flag and both are off), else
// "value". Flags are read from the loaded collection, so values set on the
// command line count; coll may be nil.
func (v *View) unitName(coll *ebpf.Collection) string {
	if v.unit != "" {
		return v.unit
	}
	ms, hasMs := v.flag(coll, "targ_ms")
	ns, hasNs := v.flag(coll, "targ_ns")
	switch {
	case ms:
		return "msecs"
	case ns:
		return "nsecs"
	case hasMs || hasNs:
		return "usecs"
	}
	return "value"
}

// flag reads a one-byte boolean global from coll, or from the spec when the
// collection cannot say; ok is false when there is no such global.
func (v *View) flag(coll *ebpf.Collection, name string) (set, ok bool) {
	vs := v.spec.Variables[name]
	if vs == nil || vs.Size() != 1 {
		return false, false
	}
	var b [1]byte
	if coll != nil {
		if gv := coll.Variables[name]; gv != nil && gv.Get(b[:]) == nil {
			return b[0] != 0, true
		}
	}
	if len(vs.Value) == 1 {
		return vs.Value[0] != 0, true
	}
	return false, true
}
