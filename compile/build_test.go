package compile

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/version"
)

func TestBuildGlobals(t *testing.T) {
	pkg := mustBuild(t, "globals.bpf.c")
	skel := pkg.Meta.Skel
	if skel.ObjName != "globals_bpf" {
		t.Errorf("obj_name = %q, want globals_bpf", skel.ObjName)
	}
	type want struct{ section, typ, value, desc string }
	wants := map[string]want{
		"header_limit": {".rodata", "unsigned int", "5", "Upper bound read from a local header."},
		"target_pid":   {".rodata", "pid_t", "0", "Process ID to trace; 0 traces all."},
		"min_us":       {".rodata", "unsigned long long", "10000", "Minimum latency in microseconds before an event is reported."},
		"failed_only":  {".rodata", "bool", "true", "Trace only failed calls."},
		"comm":         {".rodata", "char[16]", `"bash"`, "Command name filter."},
		"negative":     {".rodata", "int", "-42", ""},
		"mode":         {".rodata", "enum mode", "5", "Operating mode."},
		"shorty":       {".rodata.extra", "short", "-7", "A constant in its own section."},
		"counter":      {".data", "__u64", "7", "Events seen, in .data."},
		"hits":         {".bss", "__u32", "0", "Hits so far, in .bss."},
	}
	got := map[string]want{}
	var sections []string
	for _, ds := range skel.DataSections {
		sections = append(sections, ds.Name)
		for _, v := range ds.Variables {
			got[v.Name] = want{ds.Name, v.Type, string(v.Value), v.Description}
		}
	}
	for name, w := range wants {
		if g, ok := got[name]; !ok {
			t.Errorf("variable %s missing (sections %v)", name, sections)
		} else if g != w {
			t.Errorf("variable %s = %+v, want %+v", name, g, w)
		}
	}
	if _, ok := got["__eunomia_dummy_hidden"]; ok {
		t.Errorf("__eunomia_dummy_hidden is listed; eunomia-bpf hides such globals")
	}
	if _, ok := got["LICENSE"]; ok {
		t.Errorf("LICENSE is listed as a global; it lives in the license section")
	}
	if len(got) != len(wants) {
		t.Errorf("got %d variables, want %d: %v", len(got), len(wants), got)
	}
	if want := []string{".rodata", ".rodata.extra", ".data", ".bss"}; strings.Join(sections, " ") != strings.Join(want, " ") {
		t.Errorf("data sections %v, want %v (ELF order)", sections, want)
	}

	if len(skel.Progs) != 1 || skel.Progs[0].Name != "handle_getpid" || skel.Progs[0].Attach != "tracepoint/syscalls/sys_enter_getpid" || !skel.Progs[0].Link {
		t.Errorf("progs = %+v", skel.Progs)
	}
	mmaped := map[string]string{}
	for _, m := range skel.Maps {
		if !m.Mmaped {
			t.Errorf("map %+v is not a data map but this source declares none", m)
		}
		mmaped[m.Ident] = m.Name
	}
	// libbpf's internal names, which eunomia-bpf finds the maps by.
	wantMaps := map[string]string{"rodata": "globals_.rodata", "rodata_extra": ".rodata.extra", "data": "globals_.data", "bss": "globals_.bss"}
	for ident, name := range wantMaps {
		if mmaped[ident] != name {
			t.Errorf("data map %s named %q, want %q (libbpf's internal name)", ident, mmaped[ident], name)
		}
	}
	if n := pkg.Meta.Nomia; n == nil || n.Source != "globals.bpf.c" || n.Version != version.Version {
		t.Errorf("meta.nomia = %+v", n)
	}
	if len(pkg.Meta.ExportTypes) != 0 || pkg.Meta.EnableMultipleExportTypes {
		t.Errorf("no event maps, yet export_types = %+v", pkg.Meta.ExportTypes)
	}
}

func TestBuildLicenseDoc(t *testing.T) {
	doc := mustBuild(t, "globals.bpf.c").Meta.Skel.Doc
	want := bpfpkg.Doc{Brief: "Count getpid calls.", Details: "A test program for nomia build:\nglobals of many types.", Version: "1.2.3"}
	if doc == nil || *doc != want {
		t.Errorf("doc = %+v, want %+v", doc, want)
	}
	plain := mustBuild(t, "ringbuf.bpf.c").Meta.Skel.Doc
	if plain == nil || *plain != (bpfpkg.Doc{Brief: "Reports getpid callers."}) {
		t.Errorf("plain-text LICENSE doc = %+v, want it as the brief", plain)
	}
}

func TestBuildLoadsInKernel(t *testing.T) {
	pkg := mustBuild(t, "globals.bpf.c")
	data, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := bpfpkg.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := back.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Variables["target_pid"].Set(int32(1)); err != nil {
		t.Fatalf("set target_pid: %v", err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("the built package does not load: %v", err)
	}
	defer coll.Close()
	if coll.Programs["handle_getpid"] == nil {
		t.Fatalf("program handle_getpid missing after load: %v", coll.Programs)
	}
	var limit uint32
	if err := coll.Variables["header_limit"].Get(&limit); err != nil || limit != 5 {
		t.Errorf("header_limit after load = %d (%v), want 5", limit, err)
	}
}

func TestBuildStripsDWARF(t *testing.T) {
	pkg := mustBuild(t, "globals.bpf.c")
	f, err := elf.NewFile(bytes.NewReader(pkg.Object))
	if err != nil {
		t.Fatal(err)
	}
	if f.Section(".BTF") == nil {
		t.Errorf("the shipped object lost its .BTF section")
	}
	debug := f.Section(".debug_info") != nil
	if haveLLVMStrip(t) && debug {
		t.Errorf("llvm-strip exists but the shipped object still has .debug_info")
	}
	if !haveLLVMStrip(t) && !debug {
		t.Errorf("no llvm-strip, yet .debug_info is gone")
	}
}

// exportedStruct resolves an export type's id in the shipped object's own BTF.
func exportedStruct(t *testing.T, pkg *bpfpkg.Package, id int) *btf.Struct {
	t.Helper()
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(pkg.Object))
	if err != nil {
		t.Fatal(err)
	}
	typ, err := spec.TypeByID(btf.TypeID(id))
	if err != nil {
		t.Fatalf("type_id %d is not in the shipped object's BTF: %v", id, err)
	}
	s, ok := typ.(*btf.Struct)
	if !ok {
		t.Fatalf("type_id %d is %v, not a struct", id, typ)
	}
	return s
}

func TestBuildRingbufEventNotInBTF(t *testing.T) {
	pkg := mustBuild(t, "ringbuf.bpf.c")
	if pkg.Meta.EnableMultipleExportTypes {
		t.Errorf("one event map must stay eunomia compatible (enable_multiple_export_types=false)")
	}
	if len(pkg.Meta.ExportTypes) != 1 {
		t.Fatalf("export_types = %+v, want one", pkg.Meta.ExportTypes)
	}
	et := pkg.Meta.ExportTypes[0]
	wantMembers := []bpfpkg.Member{{Name: "pid", Type: "__u32"}, {Name: "comm", Type: "char[16]"}, {Name: "ts", Type: "__u64"}}
	if et.Name != "event" || et.Size != 32 || !membersEqual(et.Members, wantMembers) {
		t.Errorf("export type = %+v, want event, 32 bytes, %v", et, wantMembers)
	}
	s := exportedStruct(t, pkg, et.TypeID)
	if s.Name != "event" || s.Size != 32 || len(s.Members) != 3 {
		t.Errorf("type_id %d resolves to %v", et.TypeID, s)
	}
	for _, ds := range pkg.Meta.Skel.DataSections {
		for _, v := range ds.Variables {
			if strings.HasPrefix(v.Name, "__eunomia_dummy") {
				t.Errorf("the BTF-keeping global %s is listed", v.Name)
			}
		}
	}
	// The type-keeping global sits in a section no loader maps: the object has
	// no map beyond the source's own.
	var keep *btf.Datasec
	if types, err := btf.LoadSpecFromReader(bytes.NewReader(pkg.Object)); err != nil {
		t.Fatal(err)
	} else if err := types.TypeByName(keepSection, &keep); err != nil || len(keep.Vars) != 1 || keep.Vars[0].Type.TypeName() != "__eunomia_dummy_events" {
		t.Errorf("BTF section %s = %v (%v), want the one global __eunomia_dummy_events", keepSection, keep, err)
	}
	spec, err := pkg.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Maps) != 1 || spec.Maps["events"] == nil || len(spec.Variables) != 0 {
		t.Errorf("maps %v, variables %v: want only the events ring buffer", spec.Maps, spec.Variables)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("the package with a kept event type does not load: %v", err)
	}
	coll.Close()
}

func TestBuildTwoEventMaps(t *testing.T) {
	pkg := mustBuild(t, "twomaps.bpf.c")
	if !pkg.Meta.EnableMultipleExportTypes {
		t.Errorf("two event maps need enable_multiple_export_types")
	}
	if len(pkg.Meta.ExportTypes) != 2 {
		t.Fatalf("export_types = %+v, want two", pkg.Meta.ExportTypes)
	}
	want := map[string]string{"execs": "exec_event", "samples": "cpu_sample"}
	for _, m := range pkg.Meta.Skel.Maps {
		id, ok, err := pkg.Meta.EventTypeID(m.Name)
		if err != nil {
			t.Errorf("map %s: %v", m.Name, err)
			continue
		}
		structName, isEvent := want[m.Name]
		if ok != isEvent {
			t.Errorf("map %s exports=%v (export_config %s), want %v", m.Name, ok, m.ExportConfig, isEvent)
			continue
		}
		if !isEvent {
			if string(m.ExportConfig) != `"no_export"` {
				t.Errorf("map %s export_config = %s, want \"no_export\"", m.Name, m.ExportConfig)
			}
			continue
		}
		var cfg struct {
			BTFTypeID int `json:"btf_type_id"`
		}
		if err := json.Unmarshal(m.ExportConfig, &cfg); err != nil || cfg.BTFTypeID != id {
			t.Errorf("map %s export_config = %s", m.Name, m.ExportConfig)
		}
		if s := exportedStruct(t, pkg, id); s.Name != structName {
			t.Errorf("map %s: btf_type_id %d is struct %s, want %s", m.Name, id, s.Name, structName)
		}
	}
}

func TestBuildMissingClang(t *testing.T) {
	_, err := Build(context.Background(), Options{Source: "testdata/globals.bpf.c", Clang: "/nonexistent"})
	if err == nil {
		t.Fatal("Build with clang /nonexistent succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "/nonexistent") || !strings.Contains(msg, "apt-get install clang") {
		t.Errorf("error %q: want one line naming /nonexistent and apt-get install clang", msg)
	}
}

func TestBuildCompileError(t *testing.T) {
	_, err := buildTestdata(t, "broken.bpf.c")
	if err == nil {
		t.Fatal("broken.bpf.c compiled")
	}
	first, diag, _ := strings.Cut(err.Error(), "\n")
	if first != "compile: clang failed on testdata/broken.bpf.c" {
		t.Errorf("first line %q", first)
	}
	if !strings.Contains(diag, "undeclared_variable") || !strings.Contains(diag, "error:") {
		t.Errorf("clang's diagnostics are missing: %q", diag)
	}
}

func TestBuildMissingSource(t *testing.T) {
	_, err := Build(context.Background(), Options{Source: "testdata/nope.bpf.c"})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "testdata/nope.bpf.c") {
		t.Errorf("error %v: want one line naming the file", err)
	}
	if errors.Is(err, os.ErrNotExist) {
		t.Log("(wrapped as ErrNotExist)")
	}
}

func TestVmlinuxHeaderCached(t *testing.T) {
	requireToolchain(t)
	tc, err := FindToolchain(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := VmlinuxHeader(context.Background(), tc.Bpftool, "")
	if err != nil {
		t.Fatal(err)
	}
	root := os.Getenv("XDG_CACHE_HOME")
	if !strings.HasPrefix(first, filepath.Join(root, "nomia", "vmlinux")+"/") || filepath.Base(first) != "vmlinux.h" {
		t.Errorf("vmlinux.h at %s, want under $XDG_CACHE_HOME/nomia/vmlinux", first)
	}
	second, err := VmlinuxHeader(context.Background(), tc.Bpftool, DefaultBTF)
	if err != nil || second != first {
		t.Errorf("second call = %s, %v; want the cached %s", second, err, first)
	}
	head, err := os.ReadFile(first)
	if err != nil || !bytes.Contains(head, []byte("struct task_struct {")) {
		t.Errorf("vmlinux.h lacks struct task_struct (err %v)", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(first), "*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left in the cache: %v", leftovers)
	}
}

func TestVmlinuxHeaderBadBTF(t *testing.T) {
	requireToolchain(t)
	tc, _ := FindToolchain(context.Background(), "", nil)
	bad := filepath.Join(t.TempDir(), "not-btf")
	if err := os.WriteFile(bad, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := VmlinuxHeader(context.Background(), tc.Bpftool, bad)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v: want one line naming %s", err, bad)
	}
}

func membersEqual(a, b []bpfpkg.Member) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVmlinuxHeaderKeyedByContent(t *testing.T) {
	requireToolchain(t)
	tc, _ := FindToolchain(context.Background(), "", nil)
	btfData, err := os.ReadFile(DefaultBTF)
	if err != nil {
		t.Skipf("no kernel BTF: %v", err)
	}
	cp := filepath.Join(t.TempDir(), "vmlinux.btf")
	if err := os.WriteFile(cp, btfData, 0o600); err != nil {
		t.Fatal(err)
	}
	fromCopy, err := VmlinuxHeader(context.Background(), tc.Bpftool, cp)
	if err != nil {
		t.Fatal(err)
	}
	fromKernel, err := VmlinuxHeader(context.Background(), tc.Bpftool, "")
	if err != nil || fromCopy != fromKernel {
		t.Errorf("the same BTF under two names gave %s and %s (%v): the cache key must be the content", fromCopy, fromKernel, err)
	}
}

func TestVmlinuxHeaderFallsBackToTempDir(t *testing.T) {
	requireToolchain(t)
	tc, _ := FindToolchain(context.Background(), "", nil)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", notADir) // unusable: MkdirAll below a file fails
	t.Setenv("TMPDIR", tmp)
	path, err := VmlinuxHeader(context.Background(), tc.Bpftool, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, tmp+"/") || !isFile(path) {
		t.Errorf("vmlinux.h at %s, want it under the temp dir %s", path, tmp)
	}
}

// TestVmlinuxHeaderDumpFailsOnce checks that a BTF file bpftool cannot dump
// is reported after one attempt: falling back to another cache directory
// cannot cure it, and the attempt there would leave a directory behind.
func TestVmlinuxHeaderDumpFailsOnce(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	fake := filepath.Join(dir, "bpftool")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n" +
		"if [ \"$1\" = version ]; then echo 'bpftool v0.0.0 (fake)'; exit 0; fi\n" +
		"echo 'Error: failed to load BTF' >&2; exit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	btfFile := filepath.Join(dir, "not-btf")
	if err := os.WriteFile(btfFile, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	_, err := VmlinuxHeader(context.Background(), fake, btfFile)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), btfFile) || !strings.Contains(err.Error(), "failed to load BTF") {
		t.Errorf("error %v: want one line naming %s with bpftool's message", err, btfFile)
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(calls), "btf dump"); n != 1 {
		t.Errorf("bpftool btf dump ran %d times, want 1:\n%s", n, calls)
	}
}

// TestBuildOddSourcePath builds a source whose event type must be kept in
// BTF by the wrapper (ringbuf.bpf.c) from directories whose names C's
// #include takes literally but Go's quoting would escape.
func TestBuildOddSourcePath(t *testing.T) {
	requireToolchain(t)
	src, err := os.ReadFile("testdata/ringbuf.bpf.c")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{`back\slash`, "tab\there", "naïve"} {
		path := filepath.Join(t.TempDir(), dir, "ringbuf.bpf.c")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, src, 0o600); err != nil {
			t.Fatal(err)
		}
		pkg, err := Build(context.Background(), Options{Source: path})
		if err != nil {
			t.Errorf("%q: %v", dir, err)
			continue
		}
		if len(pkg.Meta.ExportTypes) != 1 || pkg.Meta.ExportTypes[0].Name != "event" {
			t.Errorf("%q: export types %+v, want struct event", dir, pkg.Meta.ExportTypes)
		}
	}
	// A double quote cannot be spelled in #include "…": a one-line error.
	path := filepath.Join(t.TempDir(), `a"b`, "ringbuf.bpf.c")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), Options{Source: path})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "double quote") {
		t.Errorf("source under a directory named a\"b: error %v, want one line about the double quote", err)
	}
}
