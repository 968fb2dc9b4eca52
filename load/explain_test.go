package load

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

// Explain words a whole-object load failure the way Start does: the failing
// program, its section and the kernel's reason, on one line.
func TestExplain(t *testing.T) {
	for name, tc := range map[string]struct {
		keep    string
		section string // replaces the program's section when set
		want    string // prefix of the explanation
	}{
		"verifier": {"nt_btf_bad", "", "program nt_btf_bad (tp_btf/sched_switch): the verifier rejected it: "},
		// A section nomia cannot attach: the reason comes from the error alone.
		"unknown section": {"nt_btf_bad", "bogus/x", "program nt_btf_bad (bogus/x): the verifier rejected it: "},
	} {
		t.Run(name, func(t *testing.T) {
			spec := twinsSpec(t, tc.keep)
			if tc.section != "" {
				spec.Programs[tc.keep].SectionName = tc.section
			}
			coll, err := ebpf.NewCollection(spec)
			if err == nil {
				coll.Close()
				t.Fatalf("%s loaded; the test needs it refused", tc.keep)
			}
			got := Explain(spec, err)
			if !strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n") {
				t.Errorf("Explain: %s\nwant one line starting %q", got, tc.want)
			}
		})
	}
}

// A failure that names no program (here a map the kernel refuses) is the
// error itself on one line.
func TestExplainCollection(t *testing.T) {
	spec := twinsSpec(t)
	spec.Maps["bad"] = &ebpf.MapSpec{Name: "bad", Type: ebpf.Hash, KeySize: 4, ValueSize: 4, MaxEntries: 0}
	coll, err := ebpf.NewCollection(spec)
	if err == nil {
		coll.Close()
		t.Fatal("a hash map of 0 entries loaded")
	}
	got := Explain(spec, err)
	t.Logf("Explain: %s", got)
	if !strings.HasPrefix(got, "map bad: ") || strings.Contains(got, "\n") {
		t.Errorf("Explain: %s\nwant one line starting %q", got, "map bad: ")
	}
}
