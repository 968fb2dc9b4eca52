package bpfpkg

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
)

// tcDirections maps eunomia's tchook attach points (libbpf's enum
// bpf_tc_attach_point) to the direction a "tc/…" section names.
var tcDirections = map[string]string{
	"BPF_TC_INGRESS": "ingress",
	"BPF_TC_EGRESS":  "egress",
}

// ApplyAttachPoints makes the section of each tc program in spec name the
// direction the metadata gives it: eunomia-bpf attaches a SEC("tc") program
// at its tchook's attach_point, so a program with "BPF_TC_EGRESS" gets the
// section "tc/egress". Attachers read only section names, so this keeps one
// truth for them. Programs without a tchook, or whose section is not a tc
// one (tc, classifier, tc/ingress, tc/egress), are left alone. Spec calls it.
func (m *Meta) ApplyAttachPoints(spec *ebpf.CollectionSpec) error {
	for _, p := range m.Skel.Progs {
		ps := spec.Programs[p.Name]
		if p.TCHook == nil || ps == nil || !isTCSection(ps.SectionName) {
			continue
		}
		dir, ok := tcDirections[p.TCHook.AttachPoint]
		if !ok {
			return fmt.Errorf("package: program %s: tchook attach_point %q is not BPF_TC_INGRESS or BPF_TC_EGRESS: fix the package's meta", p.Name, p.TCHook.AttachPoint)
		}
		ps.SectionName = "tc/" + dir
	}
	return nil
}

// isTCSection reports whether section is one of libbpf's tc sections, with or
// without a direction (and with libbpf's optional "?" prefix).
func isTCSection(section string) bool {
	kind, dir, _ := strings.Cut(strings.TrimPrefix(section, "?"), "/")
	return (kind == "tc" || kind == "classifier") && (dir == "" || dir == "ingress" || dir == "egress")
}
