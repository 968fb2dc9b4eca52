package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
	"nomia.dev/nomia/source"
)

// TestReadsizeMapsAsMetrics runs the unmodified examples/readsize program,
// which only aggregates in maps, and checks its log2 histogram and its byte
// counter on /metrics after reads of a size no other read of this process
// has.
func TestReadsizeMapsAsMetrics(t *testing.T) {
	servertest.RequireKernel(t)
	bpftest.NoLeaks(t, "on_read")
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "../examples/readsize/readsize.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSpace(string(comm))
	ts := servertest.New(t, server.Config{})
	if _, err := ts.Client.Start(context.Background(), api.StartRequest{Name: "readsize", Package: raw, Args: []string{"--targ_comm", name}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const size = 777777 // log2 bucket 19: 524288 … 1048575
	buf := make([]byte, size)
	for range 5 {
		if _, err := f.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	key := fmt.Sprintf(`{\"comm\":\"%s\"}`, name)
	metrics := get(t, ts, "/metrics")
	want := fmt.Sprintf(`nomia_map_sizes_bucket{key="%s",program="readsize",unit="value",le="1.048575e+06"} `, key)
	below := fmt.Sprintf(`nomia_map_sizes_bucket{key="%s",program="readsize",unit="value",le="524287"} `, key)
	var atSize, belowSize int
	for line := range strings.Lines(metrics) {
		if v, ok := strings.CutPrefix(line, want); ok {
			fmt.Sscan(v, &atSize)
		}
		if v, ok := strings.CutPrefix(line, below); ok {
			fmt.Sscan(v, &belowSize)
		}
	}
	if atSize-belowSize != 5 {
		t.Errorf("histogram bucket 524288…1048575 of %s holds %d reads, want 5:\n%s", name, atSize-belowSize, grep(metrics, "nomia_map_sizes_bucket"))
	}
	if !strings.Contains(metrics, fmt.Sprintf(`nomia_map_bytes_total{key="%s",program="readsize"} `, key)) {
		t.Errorf("no byte counter for %s:\n%s", name, grep(metrics, "nomia_map_bytes"))
	}
}

// grep keeps the lines of s that contain sub.
func grep(s, sub string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestStartFromURL has the server fetch a package from a URL, and checks that
// the stored record lets a restarted server run it without fetching again.
func TestStartFromURL(t *testing.T) {
	pkg := pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	var fetches atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Write(pkg)
	}))
	defer web.Close()
	cfg := server.Config{StateDir: t.TempDir(), Source: source.Options{CacheDir: t.TempDir()}}
	ts := servertest.New(t, cfg)
	req := startRequest(t, "fetched")
	req.Package, req.Source = nil, web.URL+"/pgid.json"
	p, err := ts.Client.Start(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != api.Running || p.Object != "pgid_bpf" || fetches.Load() != 1 {
		t.Fatalf("started from a URL: %+v after %d fetches; want pgid_bpf running after 1", p, fetches.Load())
	}
	ts.Stop()
	web.Close()

	again := servertest.New(t, cfg)
	if p := program(t, again, "fetched"); p.State != api.Running || fetches.Load() != 1 {
		t.Errorf("restored from the state dir: state %s after %d fetches; want running after 1", p.State, fetches.Load())
	}
}

// TestKernelRefusalIs422 starts a program the kernel refuses to attach
// (kprobes, where tracefs has no kprobe_events) and checks for a one-line
// 422 naming the program, with nothing left loaded or listed.
func TestKernelRefusalIs422(t *testing.T) {
	servertest.RequireKernel(t)
	if _, err := os.Stat("/sys/kernel/tracing/kprobe_events"); err == nil {
		t.Skip("this kernel attaches kprobes: nothing to refuse")
	}
	bpftest.NoLeaks(t, "on_nanosleep")
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/kprobe.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	ts := servertest.New(t, server.Config{})
	_, err = ts.Client.Start(context.Background(), api.StartRequest{Name: "refused", Package: raw})
	if !isStatus(err, http.StatusUnprocessableEntity) || !strings.Contains(err.Error(), "on_nanosleep") || strings.Contains(err.Error(), "\n") {
		t.Errorf("start of an unattachable kprobe: %v, want a one-line 422 naming on_nanosleep", err)
	}
	if list, err := ts.Client.List(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("programs after a refused start: %v, %v; want none", list, err)
	}
}

// The runner options skip and attach reach the loader: a glob that disables
// the only program and a target for a tracepoint are refused in one line, and
// nothing is left started.
func TestSkipAndAttachOptions(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{})
	for _, c := range []struct {
		opts api.RunOptions
		want string
	}{
		{api.RunOptions{Skip: []string{"on_*"}}, "every program of the object is disabled"},
		{api.RunOptions{Attach: map[string][]string{progName: {"/bin/true:main"}}}, "only uprobe, uretprobe, kprobe and kretprobe programs take a target"},
	} {
		req := startRequest(t, "opts")
		req.Options = c.opts
		_, err := ts.Client.Start(context.Background(), req)
		if !isStatus(err, http.StatusUnprocessableEntity) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("start with %+v: %v, want a one-line 422 containing %q", c.opts, err, c.want)
		}
	}
	if list, err := ts.Client.List(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("programs after refused starts: %v, %v; want none", list, err)
	}
}
