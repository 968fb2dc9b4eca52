package load

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// plainKconfig replaces typedefs in the types of .kconfig externs by the integer
// types they name. libbpf accepts `extern __u32 LINUX_KERNEL_VERSION __kconfig`
// (libbpf-tools declare it so), while cilium/ebpf insists on a bare integer and
// refuses the program. cilium/ebpf keeps the .kconfig map out of spec.Maps, in
// the instructions' metadata, pointing at the object's own Datasec, so the Vars
// are changed in place: typedef and integer describe the same bytes, so nothing
// else that shares the spec's types sees a difference.
func plainKconfig(spec *ebpf.CollectionSpec) {
	if spec.Types == nil {
		return
	}
	t, err := spec.Types.AnyTypeByName(".kconfig")
	if err != nil {
		return
	}
	ds, ok := t.(*btf.Datasec)
	if !ok {
		return
	}
	for _, vsi := range ds.Vars {
		if v, ok := vsi.Type.(*btf.Var); ok {
			if _, isInt := btf.UnderlyingType(v.Type).(*btf.Int); isInt {
				v.Type = btf.UnderlyingType(v.Type)
			}
		}
	}
}
