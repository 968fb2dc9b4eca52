package source

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for arg, want := range map[string]Kind{
		"-":                    Stdin,
		"opensnoop.bpf.c":      CSource,
		"dir/x.c":              CSource,
		"package.json":         File,
		"./build/tool":         File,
		"registry:5000/tool:1": OCI,
		"localhost/tool":       OCI,
		"ghcr.io/org/x@sha256:0123456789012345678901234567890123456789012345678901234567890123": OCI,
		"tool:1":             File, // no registry host: never sent to a registry
		"https://h/p.json":   URL,
		"http://h:80/p.json": URL,
		"source_test.go":     File, // an existing path is a file, whatever it looks like
	} {
		if got := Classify(arg); got != want {
			t.Errorf("Classify(%q) = %s, want %s", arg, got, want)
		}
	}
}

func TestResolveMissing(t *testing.T) {
	for _, arg := range []string{"/nonexistent/package.json", "/nonexistent/x.bpf.c"} {
		_, err := Resolve(context.Background(), arg, Options{})
		if err == nil {
			t.Fatalf("%s: no error", arg)
		}
		msg := err.Error()
		if !strings.Contains(msg, arg) || !strings.Contains(msg, "no such file") || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q: want one line naming the source", arg, msg)
		}
	}
}

func TestResolveBadPackage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "package.json")
	if err := os.WriteFile(path, []byte(`{"bpf_object": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Resolve(context.Background(), path, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), path+": package:") {
		t.Errorf("error %v: want it to name the file and the package format", err)
	}
}

// TestResolveBuildsCSource checks that a .c source goes through the compiler and
// the build options reach it.
func TestResolveBuildsCSource(t *testing.T) {
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run .ci/setup", tool)
		}
	}
	res, err := Resolve(context.Background(), "../examples/opensnoop/opensnoop.bpf.c", Options{})
	if err != nil {
		t.Fatal(err)
	}
	pkg := res.Package
	if res.Kind != CSource || !strings.HasPrefix(res.Digest, "sha256:") || pkg.Meta.Skel.ObjName != "opensnoop_bpf" || len(pkg.Meta.ExportTypes) != 1 {
		t.Errorf("built package: obj_name %q, %d export types", pkg.Meta.Skel.ObjName, len(pkg.Meta.ExportTypes))
	}
	opts := Options{}
	opts.Build.Clang = "/nonexistent/clang"
	if _, err := Resolve(context.Background(), "../examples/opensnoop/opensnoop.bpf.c", opts); err == nil || !strings.Contains(err.Error(), "/nonexistent/clang") {
		t.Errorf("build options ignored: %v", err)
	}
}
