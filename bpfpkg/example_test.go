package bpfpkg_test

import (
	"fmt"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/bpfpkg"
)

// Which sections' variables a package lists as globals.
func ExampleIsDataSection() {
	for _, s := range []string{".rodata", ".data.cfg", ".bss", ".kconfig", ".maps"} {
		fmt.Println(s, bpfpkg.IsDataSection(s))
	}
	// Output:
	// .rodata true
	// .data.cfg true
	// .bss true
	// .kconfig false
	// .maps false
}

// eunomia-bpf packages say where a SEC("tc") program attaches in its tchook;
// ApplyAttachPoints writes that direction into the section attachers read.
func ExampleMeta_ApplyAttachPoints() {
	spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{
		"tc_egress": {Name: "tc_egress", SectionName: "tc"},
	}}
	meta := bpfpkg.Meta{Skel: bpfpkg.Skel{Progs: []bpfpkg.Prog{{
		Name: "tc_egress", Attach: "tc",
		TCHook: &bpfpkg.TCHook{Ifindex: 1, AttachPoint: "BPF_TC_EGRESS"},
	}}}}
	if err := meta.ApplyAttachPoints(spec); err != nil {
		fmt.Println(err)
	}
	fmt.Println(spec.Programs["tc_egress"].SectionName)
	// Output: tc/egress
}
