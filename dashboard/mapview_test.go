package dashboard_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/mapview"
)

// histogramMaps are maps of histograms as tools keep them: log2 ones keyed
// by pid, by a struct holding a comm, a single-slot array, and a hash whose
// only key is 0; user space fills them with counts that exercise both
// layouts. The meta marks one more as an eunomia linear histogram.
func histogramMaps(t *testing.T) (*ebpf.CollectionSpec, *bpfpkg.Meta, *ebpf.Collection) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create BPF maps")
	}
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}
	pid := &btf.Typedef{Name: "pid_t", Type: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}}
	hist := &btf.Struct{Name: "hist", Size: 40 * 4, Members: []btf.Member{
		{Name: "slots", Type: &btf.Array{Type: u32, Index: u32, Nelems: 40}},
	}}
	name := &btf.Struct{Name: "name", Size: 16, Members: []btf.Member{
		{Name: "comm", Type: &btf.Array{Type: char, Index: u32, Nelems: 16}},
	}}
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"by_pid":  {Name: "by_pid", Type: ebpf.Hash, KeySize: 4, ValueSize: hist.Size, MaxEntries: 16, Key: pid, Value: hist},
		"by_comm": {Name: "by_comm", Type: ebpf.Hash, KeySize: 16, ValueSize: hist.Size, MaxEntries: 16, Key: name, Value: hist},
		"total":   {Name: "total", Type: ebpf.Array, KeySize: 4, ValueSize: hist.Size, MaxEntries: 1, Key: u32, Value: hist},
		"by_zero": {Name: "by_zero", Type: ebpf.Hash, KeySize: 4, ValueSize: hist.Size, MaxEntries: 16, Key: u32, Value: hist},
		"linear":  {Name: "linear", Type: ebpf.Hash, KeySize: 4, ValueSize: hist.Size, MaxEntries: 16, Key: pid, Value: hist},
	}}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { coll.Close() })
	slots := func(counts map[int]uint32) (s [40]uint32) {
		for i, n := range counts {
			s[i] = n
		}
		return s
	}
	comm := func(s string) (c [16]byte) {
		copy(c[:], s)
		return c
	}
	puts := []struct {
		m          string
		key, value any
	}{
		{"by_pid", int32(42), slots(map[int]uint32{1: 1, 2: 4, 3: 2})},
		{"by_pid", int32(7), slots(map[int]uint32{0: 3, 9: 12, 12: 1})},
		{"by_comm", comm("sshd"), slots(map[int]uint32{20: 7, 21: 1})},
		{"by_comm", comm("dd"), slots(map[int]uint32{5: 5})},
		{"total", uint32(0), slots(map[int]uint32{0: 2, 33: 4})}, // past 32: the wide layout
		{"by_zero", uint32(0), slots(map[int]uint32{4: 9})},      // one entry, key 0: a total, no header
		{"linear", int32(1), slots(map[int]uint32{2: 2, 4: 1, 39: 3})},
		{"linear", int32(2), slots(map[int]uint32{0: 6})},
	}
	for _, p := range puts {
		if err := coll.Maps[p.m].Put(p.key, p.value); err != nil {
			t.Fatal(err)
		}
	}
	meta := &bpfpkg.Meta{Skel: bpfpkg.Skel{Maps: []bpfpkg.Map{{
		Name: "linear", Ident: "linear", Sample: &bpfpkg.MapSample{Type: "linear_hist", Unit: "msecs"},
	}}}}
	return spec, meta, coll
}

// TestHistogramsMatchNomiaRun feeds the page the JSON of real maps, as the
// server's snapshots carry it, and checks it draws them byte for byte as
// package mapview prints the same maps for `nomia run`: headers, blank lines,
// both log2 layouts, linear histograms, and no header for a single-slot
// array or a lone key 0.
func TestHistogramsMatchNomiaRun(t *testing.T) {
	spec, meta, coll := histogramMaps(t)
	ctx := browser(t)
	do(t, ctx, "opening the page", chromedp.Navigate(page(t).URL), chromedp.WaitReady(chromedp.ID("error")))
	views, err := mapview.Plan(spec, meta, mapview.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, v := range views {
		kinds[v.Name()] = v.Kind().String()
	}
	if len(views) != len(spec.Maps) || kinds["linear"] != "linear_hist" || kinds["by_pid"] != "log2_hist" {
		t.Fatalf("mapview shows %v, want the %d maps, linear as linear_hist", kinds, len(spec.Maps))
	}
	for _, v := range views {
		var want bytes.Buffer
		if err := v.WriteText(&want, coll); err != nil {
			t.Fatal(err)
		}
		js, err := v.AppendJSON(nil, coll)
		if err != nil {
			t.Fatal(err)
		}
		entries := "[" + strings.Join(strings.Split(strings.TrimSpace(string(js)), "\n"), ",") + "]"
		got := eval[string](t, ctx, "nomiaMaps.histograms("+entries+")")
		if got != want.String() {
			t.Errorf("map %s drawn by the page:\n%s\nby nomia run:\n%s", v.Name(), got, want.String())
		}
	}
}
