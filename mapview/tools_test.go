package mapview

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"nomia.dev/nomia/compile"
)

// bccTools is where the libbpf-tools sources live on the test machine.
const bccTools = "/tmp/bcc/libbpf-tools"

// buildTool compiles one unmodified libbpf-tools source and plans its views.
func planTool(t *testing.T, tool string, opts Options) []*View {
	t.Helper()
	src := filepath.Join(bccTools, tool+".bpf.c")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("libbpf-tools sources are absent (%v)", err)
	}
	pkg, err := compile.Build(context.Background(), compile.Options{Source: src, Includes: []string{bccTools}})
	if err != nil {
		t.Fatalf("build %s: %v", tool, err)
	}
	spec, err := pkg.Spec()
	if err != nil {
		t.Fatal(err)
	}
	views, err := Plan(spec, &pkg.Meta, opts)
	if err != nil {
		t.Fatal(err)
	}
	return views
}

func TestPlanLibbpfTools(t *testing.T) {
	type want struct {
		name  string
		kind  Kind
		stack bool
	}
	cases := []struct {
		tool string
		want []want
	}{
		{"runqlat", []want{{"hists", Log2Hist, false}}},
		{"biolatency", []want{{"hists", Log2Hist, false}}},
		{"syscount", []want{{"data", Table, false}}},
		{"offcputime", []want{{"info", Table, true}}},
		{"softirqs", []want{{"hists", Log2Hist, false}}},
		{"wakeuptime", []want{{"counts", Table, true}}},
		{"hardirqs", []want{{"infos", Log2Hist, false}}},
	}
	for _, c := range cases {
		t.Run(c.tool, func(t *testing.T) {
			views := planTool(t, c.tool, Options{})
			var got []want
			for _, v := range views {
				got = append(got, want{v.Name(), v.Kind(), v.stacks != nil})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("views %+v, want %+v", got, c.want)
			}
			for _, v := range views {
				// offcputime and profile symbolize user stacks with the tgid.
				if v.stacks != nil && v.stacks.hasUser() && (v.stacks.pid == nil || v.stacks.pid.f.name != "tgid") {
					t.Errorf("%s: user stacks use pid field %+v, want tgid", v.Name(), v.stacks.pid)
				}
			}
		})
	}
}
