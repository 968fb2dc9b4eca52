package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
	csdk "nomia.dev/nomia/sdk/c"
)

// Options configure Build.
type Options struct {
	// Dir holds the guest: one NAME.bpf.c and either a Go main package or C
	// sources (*.c other than the .bpf.c).
	Dir string
	// Compile configures the BPF compile; Build sets its Source.
	Compile compile.Options
	// NomiaModule is the directory of the nomia module (the one holding
	// sdk/go) that a Go guest without a go.mod is pointed at with a replace
	// directive. A guest with its own go.mod is built as it is.
	NomiaModule string
	// Go and Clang are the toolchains; "" means "go" and "clang" on PATH.
	Go, Clang string
	// WASISysroot is wasi-libc's sysroot; "" means Debian's (/usr, with
	// headers in /usr/include/wasm32-wasi and libraries in /usr/lib/wasm32-wasi).
	WASISysroot string
	// Output is where the guest is written; "" means DIR/NAME.wasm.
	Output string
	// Log receives the commands Build runs; nil discards them.
	Log io.Writer
}

// Result says what Build wrote.
type Result struct {
	// Module is the path of the guest, DIR/NAME.wasm.
	Module string
	// Package is the compiled BPF package the guest embeds.
	Package *bpfpkg.Package
	// Generated lists the files Build wrote into DIR besides Module.
	Generated []string
}

// Build compiles DIR/NAME.bpf.c, generates the guest's view of the object and
// builds DIR/NAME.wasm with the object inside:
//
//   - a Go guest (DIR has .go files) gets NAME.bpf.o and NAME_bpf.go (see
//     GoFile) and is built with GOOS=wasip1 GOARCH=wasm go build;
//   - a C guest gets NAME.skel.h (CSkeleton) and NAME.wasm.h (CEvents), and is
//     built with clang --target=wasm32-wasi against wasi-libc, with
//     libbpf-wasm.h on the include path and the function table exported.
func Build(ctx context.Context, opts Options) (*Result, error) {
	dir := opts.Dir
	name, err := bpfSource(dir)
	if err != nil {
		return nil, err
	}
	lang, err := guestLanguage(dir)
	if err != nil {
		return nil, err
	}
	// A copy of wasm-bpf's header beside the sources would be found first by
	// #include "libbpf-wasm.h" and clash with the one skeletons include.
	if own, err := os.ReadFile(filepath.Join(dir, csdk.HeaderName)); lang == "c" && err == nil && string(own) != csdk.Header {
		return nil, fmt.Errorf("build --wasm %s: %s there would shadow nomia's: remove it (nomia provides the header)", dir, csdk.HeaderName)
	}
	copts := opts.Compile
	copts.Source = filepath.Join(dir, name+".bpf.c")
	pkg, err := compile.Build(ctx, copts)
	if err != nil {
		return nil, err
	}
	res := &Result{Module: opts.Output, Package: pkg}
	if res.Module == "" {
		res.Module = filepath.Join(dir, name+".wasm")
	}
	write := func(file string, data []byte) error {
		path := filepath.Join(dir, file)
		res.Generated = append(res.Generated, path)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("build --wasm: %v", err)
		}
		return nil
	}
	if lang == "go" {
		err = buildGo(ctx, &opts, name, pkg, write, res.Module)
	} else {
		err = buildC(ctx, &opts, name, pkg, write, res.Module)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// bpfSource is NAME of the one NAME.bpf.c in dir.
func bpfSource(dir string) (string, error) {
	srcs, err := filepath.Glob(filepath.Join(dir, "*.bpf.c"))
	if err != nil || len(srcs) == 0 {
		if _, serr := os.Stat(dir); serr != nil {
			return "", fmt.Errorf("build --wasm %s: %v", dir, errors.Unwrap(serr))
		}
		return "", fmt.Errorf("build --wasm %s: no NAME.bpf.c in the directory: put the BPF program there", dir)
	}
	if len(srcs) > 1 {
		return "", fmt.Errorf("build --wasm %s: %d .bpf.c files: keep one (its name names the guest)", dir, len(srcs))
	}
	return strings.TrimSuffix(filepath.Base(srcs[0]), ".bpf.c"), nil
}

// guestLanguage is "go" when dir holds Go files, "c" when it holds C sources
// besides the .bpf.c.
func guestLanguage(dir string) (string, error) {
	if gos, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(gos) > 0 {
		return "go", nil
	}
	if len(cSources(dir)) > 0 {
		return "c", nil
	}
	return "", fmt.Errorf("build --wasm %s: no guest: add a Go main package (main.go) or C sources (main.c) beside the .bpf.c", dir)
}

func cSources(dir string) []string {
	all, _ := filepath.Glob(filepath.Join(dir, "*.c"))
	var out []string
	for _, f := range all {
		if !strings.HasSuffix(f, ".bpf.c") {
			out = append(out, f)
		}
	}
	return out
}

func buildGo(ctx context.Context, opts *Options, name string, pkg *bpfpkg.Package, write func(string, []byte) error, out string) error {
	dir := opts.Dir
	pkgName, err := goPackage(dir)
	if err != nil {
		return err
	}
	objFile := name + ".bpf.o"
	src, err := GoFile(pkg, GoOptions{Package: pkgName, Source: name + ".bpf.c", ObjectFile: objFile})
	if err != nil {
		return fmt.Errorf("build --wasm %s: %v", dir, err)
	}
	if err := write(objFile, pkg.Object); err != nil {
		return err
	}
	if err := write(name+"_bpf.go", src); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); errors.Is(err, os.ErrNotExist) {
		if opts.NomiaModule == "" {
			return fmt.Errorf("build --wasm %s: no go.mod: write one that requires nomia.dev/nomia (with a replace to your nomia checkout), or give nomia's module directory (--sdk or NOMIA_SDK)", dir)
		}
		if err := write("go.mod", guestGoMod(name, opts.NomiaModule)); err != nil {
			return err
		}
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool(opts.Go, "go"), "build", "-o", abs, ".")
	cmd.Dir = dir
	// -mod=mod lets go complete go.mod and go.sum from the local module
	// cache; GOTOOLCHAIN=local never downloads a toolchain; the guest is a
	// module of its own, outside any workspace.
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"),
		"GOTOOLCHAIN=local", "GOWORK=off")
	return run(cmd, opts.Log, "build the Go guest")
}

// guestGoMod is the go.mod of a Go guest that had none: it requires nomia
// and replaces it with the local module, so the build needs no network.
func guestGoMod(name, nomia string) []byte {
	abs, err := filepath.Abs(nomia)
	if err != nil {
		abs = nomia
	}
	return fmt.Appendf(nil, "module %s\n\ngo 1.24\n\nrequire nomia.dev/nomia v0.0.0\n\nreplace nomia.dev/nomia => %s\n", cIdent(name), abs)
}

// goPackage is the package clause of dir's Go files.
func goPackage(dir string) (string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_bpf.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			return "", fmt.Errorf("build --wasm: %v", err)
		}
		return af.Name.Name, nil
	}
	return "main", nil
}

func buildC(ctx context.Context, opts *Options, name string, pkg *bpfpkg.Package, write func(string, []byte) error, out string) error {
	skel, err := CSkeleton(pkg, name)
	if err != nil {
		return fmt.Errorf("build --wasm %s: %v", opts.Dir, err)
	}
	evs, err := CEvents(pkg, name)
	if err != nil {
		return fmt.Errorf("build --wasm %s: %v", opts.Dir, err)
	}
	if err := write(name+".skel.h", skel); err != nil {
		return err
	}
	if err := write(name+".wasm.h", evs); err != nil {
		return err
	}
	args, cleanup, err := CFlags(opts.WASISysroot)
	if err != nil {
		return err
	}
	defer cleanup()
	args = append(args, "-O2", "-I", opts.Dir, "-o", out)
	args = append(args, cSources(opts.Dir)...)
	return run(exec.CommandContext(ctx, tool(opts.Clang, "clang"), args...), opts.Log, "build the C guest")
}

// CFlags are the clang flags that build a C guest for wasm32-wasi against
// wasi-libc in sysroot ("" = Debian's) with libbpf-wasm.h on the include
// path, exporting the function table the host calls sample_func through.
// cleanup removes the header's temporary directory.
func CFlags(sysroot string) (flags []string, cleanup func(), err error) {
	inc, err := os.MkdirTemp("", "nomia-wasm-include-")
	if err != nil {
		return nil, nil, fmt.Errorf("build --wasm: %v", err)
	}
	cleanup = func() { os.RemoveAll(inc) }
	if err := os.WriteFile(filepath.Join(inc, csdk.HeaderName), []byte(csdk.Header), 0o644); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("build --wasm: %v", err)
	}
	flags = []string{"--target=wasm32-wasi", "-I", inc, "-Wl,--export-table"}
	if sysroot != "" {
		return append(flags, "--sysroot="+sysroot), cleanup, nil
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		cleanup()
		return nil, nil, errors.New("build --wasm: wasi-libc is not installed (/usr/lib/wasm32-wasi/libc.a): apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	return append(flags, "--sysroot=/usr", "-isystem", "/usr/include/wasm32-wasi", "-L/usr/lib/wasm32-wasi"), cleanup, nil
}

func tool(configured, def string) string {
	if configured != "" {
		return configured
	}
	return def
}

// run runs cmd and turns a failure into one line naming what failed, with
// the tool's first lines of output.
func run(cmd *exec.Cmd, log io.Writer, what string) error {
	if log != nil {
		fmt.Fprintf(log, "nomia: %s\n", strings.Join(cmd.Args, " "))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.Join(strings.Fields(firstLines(out.String(), 3)), " ")
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s: %s is not installed", what, cmd.Args[0])
		}
		return fmt.Errorf("%s: %v: %s", what, err, msg)
	}
	return nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
