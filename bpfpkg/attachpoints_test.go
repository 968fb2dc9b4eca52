package bpfpkg

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

func tcSpec(sections map[string]string) *ebpf.CollectionSpec {
	spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{}}
	for name, sec := range sections {
		spec.Programs[name] = &ebpf.ProgramSpec{Name: name, SectionName: sec}
	}
	return spec
}

func TestApplyAttachPoints(t *testing.T) {
	spec := tcSpec(map[string]string{
		"out": "tc", "in": "classifier", "flip": "tc/ingress", "opt": "?tc",
		"plain": "tc", "tcx": "tcx/ingress", "xdp": "xdp",
	})
	hook := func(point string) *TCHook { return &TCHook{Ifindex: 1, AttachPoint: point} }
	meta := Meta{Skel: Skel{Progs: []Prog{
		{Name: "out", Attach: "tc", TCHook: hook("BPF_TC_EGRESS")},
		{Name: "in", Attach: "classifier", TCHook: hook("BPF_TC_INGRESS")},
		{Name: "flip", Attach: "tc/ingress", TCHook: hook("BPF_TC_EGRESS")},
		{Name: "opt", Attach: "?tc", TCHook: hook("BPF_TC_EGRESS")},
		{Name: "plain", Attach: "tc"},
		{Name: "tcx", Attach: "tcx/ingress", TCHook: hook("BPF_TC_EGRESS")},
		{Name: "xdp", Attach: "xdp"},
		{Name: "absent", Attach: "tc", TCHook: hook("BPF_TC_EGRESS")},
	}}}
	if err := meta.ApplyAttachPoints(spec); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"out": "tc/egress", "in": "tc/ingress", "flip": "tc/egress", "opt": "tc/egress",
		"plain": "tc", "tcx": "tcx/ingress", "xdp": "xdp",
	}
	for name, sec := range want {
		if got := spec.Programs[name].SectionName; got != sec {
			t.Errorf("%s: section %q, want %q", name, got, sec)
		}
	}
}

func TestApplyAttachPointsUnknown(t *testing.T) {
	spec := tcSpec(map[string]string{"p": "tc"})
	meta := Meta{Skel: Skel{Progs: []Prog{{Name: "p", TCHook: &TCHook{AttachPoint: "BPF_TC_CUSTOM"}}}}}
	err := meta.ApplyAttachPoints(spec)
	want := `package: program p: tchook attach_point "BPF_TC_CUSTOM" is not BPF_TC_INGRESS or BPF_TC_EGRESS`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want it to start %q", err, want)
	}
}

// A real eunomia tc package: Spec gives the program the section of its
// tchook's direction.
func TestSpecAppliesTCHook(t *testing.T) {
	data := envelopeJSON(t, minimalObject(t), len(minimalObject(t)),
		`{"bpf_skel":{"obj_name":"m","progs":[{"name":"count","attach":"socket","link":true,
		  "tchook":{"ifindex":1,"attach_point":"BPF_TC_EGRESS"},"tcopts":{"handle":1,"priority":1}}],
		  "maps":null,"data_sections":null},"export_types":null}`)
	pkg, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := pkg.Spec()
	if err != nil {
		t.Fatal(err)
	}
	// The object's program is a socket filter, which no tchook moves.
	if got := spec.Programs["count"].SectionName; got != "socket" {
		t.Errorf("socket program moved to %q", got)
	}
	if pkg.Meta.Skel.Progs[0].TCOpts == nil || pkg.Meta.Skel.Progs[0].TCOpts.Priority != 1 {
		t.Errorf("tcopts not read: %+v", pkg.Meta.Skel.Progs[0])
	}
}

// eunomia's loader reads a sample without "type" as default_kv.
func TestParseSampleDefaultType(t *testing.T) {
	obj := minimalObject(t)
	data := envelopeJSON(t, obj, len(obj), `{"bpf_skel":{"obj_name":"m","progs":null,"data_sections":null,
		"maps":[{"name":"a","ident":"a","sample":{"interval":1000}},{"name":"b","ident":"b","sample":{"interval":10,"type":"log2_hist"}}]}}`)
	pkg, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := pkg.Meta.Skel.Maps[0].Sample.Type; got != "default_kv" {
		t.Errorf("untyped sample read as %q, want default_kv", got)
	}
	if got := pkg.Meta.Skel.Maps[1].Sample.Type; got != "log2_hist" {
		t.Errorf("log2_hist sample read as %q", got)
	}
}
