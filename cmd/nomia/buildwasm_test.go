package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/wasm"
)

// TestBuildWasm runs `nomia build --wasm DIR` on copies of the SDK's test
// guests (C, and Go with --sdk pointing at this checkout) and checks the
// summary line, the generated files, and that the module runs on the host
// (without arguments both guests print their usage and exit 2; the SDK's
// own tests run them against the kernel).
func TestBuildWasm(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang is not installed")
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		t.Skip("wasi-libc is not installed: apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	for _, tc := range []struct {
		guest, generated string
		extra            []string
		usage            string
	}{
		{"cguest", "probe.skel.h, probe.wasm.h", nil, "usage: main PID N MULTIPLIER\n"},
		{"goguest", "probe.bpf.o, probe_bpf.go, go.mod", []string{"--sdk", "../.."}, "usage: main PID N MULTIPLIER\n"},
	} {
		t.Run(tc.guest, func(t *testing.T) {
			if _, err := exec.LookPath("go"); err != nil && tc.guest == "goguest" {
				t.Skip("go is not on PATH")
			}
			files := []string{"probe.bpf.c", "goguest/main.go"}
			if tc.guest == "cguest" {
				files = cGuestFiles
			}
			dir := guestProject(t, files...)
			root := newRootCmd()
			var stderr strings.Builder
			root.SetArgs(append([]string{"build", "--wasm", dir}, tc.extra...))
			root.SetOut(&strings.Builder{})
			root.SetErr(&stderr)
			if err := root.Execute(); err != nil {
				t.Fatalf("build --wasm: %v", err)
			}
			module := filepath.Join(dir, "probe.wasm")
			want := "nomia: wrote " + module + " (1 program, 6 maps; generated " + tc.generated + ")\n"
			if stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			if r := runUsage(t, module); r.exit != 2 || r.out != tc.usage {
				t.Errorf("the module without arguments: exit %d, printed %q; want 2, %q", r.exit, r.out, tc.usage)
			}
		})
	}
}

// cGuestFiles are the SDK's C test guest and the probe it embeds.
var cGuestFiles = []string{"probe.bpf.c", "cguest/main.c", "cshared/print.h"}

// guestProject copies files of the SDK's test guests (paths relative to
// sdk/gen/testdata) into a fresh directory, side by side as a user's project
// holds them, and returns it.
func guestProject(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("../../sdk/gen/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type usageRun struct {
	exit int
	out  string
}

// runUsage runs a built guest without arguments.
func runUsage(t *testing.T, module string) usageRun {
	t.Helper()
	b, err := os.ReadFile(module)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Fatalf("%s is not a WebAssembly module", module)
	}
	var out bytes.Buffer
	code, err := wasm.Run(context.Background(), b, wasm.Config{Args: []string{"main"}, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("run %s: %v", module, err)
	}
	return usageRun{code, out.String()}
}

// TestBuildWasmErrors checks the one-line errors of build --wasm.
func TestBuildWasmErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		arg, want string
	}{
		{"../../sdk/gen/testdata/probe.bpf.c", "not a directory: give the directory holding NAME.bpf.c"},
		{empty, "no NAME.bpf.c in the directory"},
		{"../../sdk/gen/testdata", "no guest: add a Go main package (main.go) or C sources (main.c)"},
	} {
		root := newRootCmd()
		root.SetArgs([]string{"build", "--wasm", tc.arg})
		root.SetOut(&strings.Builder{})
		root.SetErr(&strings.Builder{})
		err := root.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("build --wasm %s: %v, want one line containing %q", tc.arg, err, tc.want)
		}
	}
}
