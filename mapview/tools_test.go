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
		pid  string // the field naming the process of user stacks
	}{
		{"runqlat", []want{{"hists", Log2Hist, false}}, ""},
		{"biolatency", []want{{"hists", Log2Hist, false}}, ""},
		{"syscount", []want{{"data", Table, false}}, ""},
		{"offcputime", []want{{"info", Table, true}}, "tgid"},
		// counts and time are .bss arrays the default mode adds to.
		{"softirqs", []want{{"counts", Table, false}, {"hists", Log2Hist, false}, {"time", Table, false}}, ""},
		{"wakeuptime", []want{{"counts", Table, true}}, ""},
		{"hardirqs", []want{{"infos", Log2Hist, false}}, ""},
		// A histogram keyed by a user stack, its process in pid_tgid.
		{"futexctn", []want{{"hists", Log2Hist, true}}, "pid_tgid"},
		// ip_map: created with BPF_NOEXIST on a call clang shares with the
		// BPF_EXIST update, then added to on the other side of a branch.
		{"tcptop", []want{{"ip_map", Table, false}}, ""},
		{"vfsstat", []want{{"stats", Table, false}}, ""},
		// freqs_mhz is per-CPU state the program overwrites: not shown.
		{"cpufreq", []want{{"hists", Log2Hist, false}, {"syswide", Log2Hist, false}}, ""},
		{"runqlen", []want{{"hists", Log2Hist, false}}, ""},
		// `__u32 hist[MAX_SLOTS]` is a histogram's slots of its own.
		{"funclatency", []want{{"hist", Log2Hist, false}}, ""},
		// cachestat's and numamove's scalar counters are not arrays.
		{"cachestat", nil, ""},
		{"numamove", nil, ""},
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
				if v.stacks == nil || !v.stacks.hasUser() {
					continue
				}
				if p := v.stacks.pid; p == nil || p.f.name != c.pid || p.upper != (c.pid == "pid_tgid") {
					t.Errorf("%s: user stacks use pid field %+v, want %s", v.Name(), p, c.pid)
				}
			}
		})
	}
}
