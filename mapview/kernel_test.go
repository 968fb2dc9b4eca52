package mapview

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/load"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// calls is how many getppid calls each test makes: n = 1..calls.
const calls = 10

// linearMeta marks lin as an eunomia linear_hist sample map.
var linearMeta = &bpfpkg.Meta{Skel: bpfpkg.Skel{Maps: []bpfpkg.Map{{
	Name: "lin", Ident: "lin",
	Sample: &bpfpkg.MapSample{Interval: 1500, Type: "linear_hist", Unit: "n", ClearMap: true},
}}}}

// startViews compiles testdata/views.bpf.c for this process, plans its views
// with opts and loads it; setup may change the spec first.
func startViews(t *testing.T, opts Options, setup func(*ebpf.CollectionSpec)) ([]*View, *ebpf.Collection) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the test program is written for x86_64")
	}
	spec := bpftest.Compile(t, "testdata/views.bpf.c")
	bpftest.NoLeaks(t, "views_getppid")
	if err := spec.Variables["targ_tgid"].Set(uint32(os.Getpid())); err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(spec)
	}
	views, err := Plan(spec, linearMeta, opts)
	if err != nil {
		t.Fatal(err)
	}
	run, err := load.Start(spec, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := run.Close(); err != nil {
			t.Error(err)
		}
	})
	return views, run.Collection
}

// getppid makes n calls the program counts.
func getppid(n int) {
	for range n {
		syscall.Getppid()
	}
}

// find returns the view named name.
func find(t *testing.T, views []*View, name string) *View {
	t.Helper()
	for _, v := range views {
		if v.Name() == name {
			return v
		}
	}
	t.Fatalf("no view %s", name)
	return nil
}

// render writes every view but those with stacks (their frames vary) as
// text and as JSON, each headed by its name.
func render(t *testing.T, views []*View, coll *ebpf.Collection) (text, js []byte) {
	t.Helper()
	var buf bytes.Buffer
	for _, v := range views {
		if v.stacks != nil {
			continue
		}
		buf.WriteString("== " + v.Name() + " ==\n")
		if err := v.WriteText(&buf, coll); err != nil {
			t.Fatal(err)
		}
		var err error
		if js, err = v.AppendJSON(js, coll); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes(), js
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestViewsPlan(t *testing.T) {
	views, _ := startViews(t, Options{}, nil)
	var got []string
	for _, v := range views {
		got = append(got, v.Name()+":"+v.Kind().String())
	}
	want := []string{"counters:default_kv", "data:default_kv", "ghists:log2_hist", "hists:log2_hist", "infos:log2_hist",
		"lat_hist:log2_hist", "lin:linear_hist", "pcpu:default_kv", "shists:log2_hist", "stacks:default_kv", "sums:default_kv"}
	if !slices.Equal(got, want) {
		t.Errorf("views %v, want %v (start and heap are bookkeeping, last and limits are state)", got, want)
	}
	lin := find(t, views, "lin")
	if lin.Interval().Milliseconds() != 1500 || !lin.AutoClear() {
		t.Errorf("lin: interval %v, auto-clear %v; want 1.5s and true from its sample", lin.Interval(), lin.AutoClear())
	}
	if d := find(t, views, "data"); d.Interval() != 0 || d.AutoClear() {
		t.Errorf("data: interval %v, auto-clear %v; want neither", d.Interval(), d.AutoClear())
	}
}

func TestViewsGolden(t *testing.T) {
	views, coll := startViews(t, Options{}, nil)
	getppid(calls)
	text, js := render(t, views, coll)
	golden(t, "testdata/views.golden", text)
	golden(t, "testdata/views.json.golden", js)
	for _, line := range bytes.Split(bytes.TrimSuffix(js, []byte("\n")), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("invalid JSON line: %s", line)
		}
	}
}

// A sample's type wins over the shape of the value: default_kv shows a
// histogram's slots as a table.
func TestPlanSampleType(t *testing.T) {
	spec := bpftest.Compile(t, "testdata/views.bpf.c")
	meta := &bpfpkg.Meta{Skel: bpfpkg.Skel{Maps: []bpfpkg.Map{{Name: "hists", Sample: &bpfpkg.MapSample{Type: "default_kv"}}}}}
	views, err := Plan(spec, meta, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v := find(t, views, "hists"); v.Kind() != Table {
		t.Errorf("hists with sample default_kv: kind %v, want a table", v.Kind())
	}
	if v := find(t, views, "lin"); v.Kind() != Log2Hist {
		t.Errorf("lin without a sample: kind %v, want log2_hist from its slots", v.Kind())
	}
}

func TestViewsJSONValues(t *testing.T) {
	views, coll := startViews(t, Options{}, nil)
	getppid(calls)
	js, err := find(t, views, "pcpu").AppendJSON(nil, coll)
	if err != nil {
		t.Fatal(err)
	}
	// Per-CPU values are summed whichever CPU each call ran on: odd n are
	// 1+3+5+7+9, even n 2+4+6+8+10.
	want := map[int]struct{ count, sum int }{1: {5, 25}, 0: {5, 30}}
	lines := strings.Split(strings.TrimSpace(string(js)), "\n")
	if len(lines) != 2 {
		t.Fatalf("pcpu JSON has %d lines, want 2:\n%s", len(lines), js)
	}
	for _, line := range lines {
		var rec struct {
			Map   string
			Key   int
			Value struct{ Count, Sum int }
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if w := want[rec.Key]; rec.Map != "pcpu" || rec.Value.Count != w.count || rec.Value.Sum != w.sum {
			t.Errorf("%s: want map pcpu, count %d, sum %d", line, w.count, w.sum)
		}
	}
}

func TestViewsClear(t *testing.T) {
	// heap, a per-CPU array, clears by writing zeros for every CPU.
	views, coll := startViews(t, Options{Names: []string{"heap"}}, nil)
	getppid(calls)
	var before bytes.Buffer
	if err := find(t, views, "heap").WriteText(&before, coll); err != nil || before.Len() == 0 {
		t.Fatalf("heap before Clear: %q, %v; want rows", before.String(), err)
	}
	for _, v := range views {
		if err := v.Clear(coll); err != nil {
			t.Fatal(err)
		}
	}
	names := "== counters ==\n== data ==\n== ghists ==\n== heap ==\n== hists ==\n== infos ==\n== lat_hist ==\n== lin ==\n== pcpu ==\n== sums ==\n"
	if text, js := render(t, views, coll); string(text) != names || len(js) != 0 {
		t.Errorf("after Clear, views print\n%s%s", text, js)
	}
	getppid(1) // n = 11: every view fills again from empty
	var buf bytes.Buffer
	if err := find(t, views, "data").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	if want := "KIND BIG COUNT TOTAL COMM\n   2   1     1    11 mapview.test\n"; buf.String() != want {
		t.Errorf("data after Clear and one call:\n%swant\n%s", buf.String(), want)
	}
}

func TestViewsTopAndUnit(t *testing.T) {
	views, coll := startViews(t, Options{Top: 1}, func(spec *ebpf.CollectionSpec) {
		if err := spec.Variables["targ_ms"].Set(true); err != nil {
			t.Fatal(err)
		}
	})
	getppid(calls)
	var buf bytes.Buffer
	if err := find(t, views, "data").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	// Four keys count 2 (kind 1 and 2 below 6, kind 0 and 1 above); ties go
	// to the smaller key, read as one little-endian integer: big<<32 | kind.
	if want := "KIND BIG COUNT TOTAL COMM\n   1   0     2     5 mapview.test\n"; buf.String() != want {
		t.Errorf("data with Top 1:\n%swant\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := find(t, views, "hists").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "     msecs               : count    distribution\n") {
		t.Errorf("with targ_ms set, hists should be in msecs:\n%s", buf.String())
	}
}

func TestViewsNames(t *testing.T) {
	views, coll := startViews(t, Options{Names: []string{"start", "calls"}}, nil)
	getppid(calls)
	var buf bytes.Buffer
	for _, name := range []string{"start", "calls"} {
		if err := find(t, views, name).WriteText(&buf, coll); err != nil {
			t.Fatal(err)
		}
	}
	// start is emptied by the program itself; calls is a plain global.
	if want := "VALUE\n   10\n"; buf.String() != want {
		t.Errorf("named views print\n%swant\n%s", buf.String(), want)
	}
	spec := bpftest.Compile(t, "testdata/views.bpf.c")
	_, err := Plan(spec, nil, Options{Names: []string{"nope"}})
	// The CLI prefixes "nomia: "; the library's words are the user's.
	want := `no map or global named "nope" in the program (it has: calls, counters, data, ghists, heap, hists, infos, last, lat_hist, limits, lin, pcpu, shists, stack_events, stackmap, stacks, start, sums, unused_stack_event)`
	if err == nil || err.Error() != want {
		t.Errorf("unknown name: got error\n%v\nwant\n%s", err, want)
	}
}
