package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
)

// buildSource compiles one .bpf.c into a package, as nomia build does.
func buildSource(t *testing.T, source string) *bpfpkg.Package {
	t.Helper()
	testPackage(t) // skips without clang or bpftool
	pkg, err := compile.Build(context.Background(), compile.Options{Source: source})
	if err != nil {
		t.Fatalf("build %s: %v", source, err)
	}
	return pkg
}

// TestKernelFeaturesOfTestdata builds one small source per kind of need and
// checks the annotation names exactly what each needs: attach kinds, map
// types, externs, CO-RE, global data, sleepable programs, and nothing for a
// socket filter on a hash map.
func TestKernelFeaturesOfTestdata(t *testing.T) {
	for source, want := range map[string]string{
		"baseline":    "",
		"probes":      "kprobe,kprobe_multi,lru_hash,uprobe,uprobe_multi",
		"trampolines": "btf,lsm,percpu_array,sleepable,trampoline",
		"network":     "cgroup,tc,tcx,xdp",
		"externs":     "btf,global_data,kconfig,kfunc,ksym,perf_event,stack_trace",
		"version":     "global_data,raw_tp",
	} {
		t.Run(source, func(t *testing.T) {
			pkg := buildSource(t, filepath.Join("testdata", "features", source+".bpf.c"))
			got, ok := Annotations(pkg)[AnnotationKernelFeatures]
			if got != want || ok != (want != "") {
				t.Errorf("%s = %q (set %v), want %q", AnnotationKernelFeatures, got, ok, want)
			}
		})
	}
}

// TestKernelFeaturesOfExamples checks the annotation of every example nomia
// ships, so that a change to an example or to the derivation shows here.
func TestKernelFeaturesOfExamples(t *testing.T) {
	want := map[string]string{
		"execsnoop": "btf,global_data,percpu_array,perf_event_array,tracepoint",
		"opensnoop": "btf,global_data,ringbuf,tracepoint",
		"pktsnoop":  "btf,global_data,ringbuf,tcx,xdp",
		"profile":   "btf,global_data,perf_event,ringbuf",
		"rawtp":     "btf,global_data,raw_tp,ringbuf",
		"readsize":  "btf,global_data,tracepoint",
		"sigsnoop":  "btf,global_data,ringbuf,tracepoint",
		"tasks":     "btf,global_data,iter",
		"tpbtf":     "btf,global_data,ringbuf,tp_btf",
		"uprobe":    "btf,global_data,ringbuf,uprobe",
	}
	sources, err := filepath.Glob("../examples/*/*.bpf.c")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, source := range sources {
		name := strings.TrimSuffix(filepath.Base(source), ".bpf.c")
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("example %s is new: add what it needs to this test", name)
			}
			if got := Annotations(buildSource(t, source))[AnnotationKernelFeatures]; got != w {
				t.Errorf("%s = %q, want %q", AnnotationKernelFeatures, got, w)
			}
		})
	}
}

// TestKernelFeaturesVocabulary keeps the documented vocabulary usable: sorted
// by name without repeats, every word spelled as the annotation spells it,
// and every word a need refers to defined.
func TestKernelFeaturesVocabulary(t *testing.T) {
	var names []string
	for _, f := range KernelFeatures {
		if f.Name != strings.ToLower(f.Name) || strings.ContainsAny(f.Name, ", -") || f.Since == "" {
			t.Errorf("word %+v: want a lower-case name without commas, spaces or dashes, and a kernel version", f)
		}
		names = append(names, f.Name)
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("KernelFeatures is not sorted by name without repeats: %q", names)
	}
	derived := RequiredKernelFeatures(everything())
	for _, w := range derived {
		if _, found := slices.BinarySearch(names, w); !found {
			t.Errorf("word %q is derived but not in KernelFeatures", w)
		}
	}
	// Externs need an object's BTF, which TestKernelFeaturesOfTestdata has.
	for _, w := range names {
		if !slices.Contains(derived, w) && w != "kconfig" && w != "kfunc" && w != "ksym" {
			t.Errorf("word %q is in KernelFeatures but nothing derives it", w)
		}
	}
}

// everything is a collection with every program kind and map type the
// derivation names, and a sleepable program.
func everything() *ebpf.CollectionSpec {
	spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{}, Maps: map[string]*ebpf.MapSpec{".rodata": {Type: ebpf.Array}}}
	for i, p := range []ebpf.ProgramSpec{
		{Type: ebpf.TracePoint, Flags: unix.BPF_F_SLEEPABLE}, {Type: ebpf.RawTracepoint}, {Type: ebpf.RawTracepointWritable},
		{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp}, {Type: ebpf.Tracing, AttachType: ebpf.AttachTraceIter},
		{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceFEntry}, {Type: ebpf.Extension},
		{Type: ebpf.LSM, AttachType: ebpf.AttachLSMCgroup}, {Type: ebpf.Kprobe, SectionName: "kprobe/f"},
		{Type: ebpf.Kprobe, SectionName: "usdt/x"}, {Type: ebpf.Kprobe, AttachType: ebpf.AttachTraceKprobeMulti},
		{Type: ebpf.Kprobe, AttachType: ebpf.AttachTraceUprobeMulti}, {Type: ebpf.PerfEvent}, {Type: ebpf.XDP},
		{Type: ebpf.SchedCLS}, {Type: ebpf.SchedACT, AttachType: ebpf.AttachTCXEgress},
		{Type: ebpf.SchedCLS, AttachType: ebpf.AttachNetkitPeer}, {Type: ebpf.CGroupSockAddr}, {Type: ebpf.StructOps},
	} {
		spec.Programs[fmt.Sprint("p", i)] = &p
	}
	for t := range mapFeatures {
		spec.Maps[t.String()] = &ebpf.MapSpec{Type: t}
	}
	return spec
}
