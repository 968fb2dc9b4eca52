package nomia

import (
	"testing"

	"nomia.dev/nomia/bpfpkg"
)

func TestPackageIface(t *testing.T) {
	one, missing := 1, 1<<30
	for _, tc := range []struct {
		name  string
		progs []bpfpkg.Prog
		want  string
	}{
		{"xdp ifindex", []bpfpkg.Prog{{Name: "a", Attach: "kprobe/x"}, {Name: "b", Attach: "xdp", Ifindex: &one}}, "lo"},
		{"tc hook", []bpfpkg.Prog{{Name: "t", Attach: "tc", TCHook: &bpfpkg.TCHook{Ifindex: 1, AttachPoint: "BPF_TC_INGRESS"}}}, "lo"},
		{"unknown index", []bpfpkg.Prog{{Name: "b", Attach: "xdp", Ifindex: &missing}}, ""},
		{"none", []bpfpkg.Prog{{Name: "a", Attach: "tracepoint/x/y"}}, ""},
	} {
		if got := packageIface(&bpfpkg.Skel{Progs: tc.progs}); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
