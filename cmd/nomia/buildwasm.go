package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/sdk/gen"
)

// wasmBuildFlags are the flags of `nomia build --wasm DIR`.
type wasmBuildFlags struct {
	on  bool
	sdk string
}

func (w *wasmBuildFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&w.on, "wasm", false, "build a WebAssembly guest: DIR holds NAME.bpf.c and a Go main package or C sources; writes DIR/NAME.wasm with the object inside")
	fs.StringVar(&w.sdk, "sdk", "", "nomia's module directory, for a Go guest that has no go.mod (default $NOMIA_SDK, or the module cache's copy of this release)")
}

// build runs `nomia build --wasm DIR`: the BPF object, the generated
// skeleton or Go types, then the guest, as gen.Build describes.
func (w *wasmBuildFlags) build(cmd *cobra.Command, dir string, bf *buildFlags, out string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("build --wasm %s: not a directory: give the directory holding NAME.bpf.c and the guest's sources", dir)
	}
	copts, err := bf.options("")
	if err != nil {
		return err
	}
	res, err := gen.Build(cmd.Context(), gen.Options{
		Dir:         dir,
		Compile:     copts,
		NomiaModule: w.sdkDir(),
		Clang:       bf.clang,
		Output:      out,
		Log:         bf.log(),
	})
	if err != nil {
		return err
	}
	var names []string
	for _, g := range res.Generated {
		names = append(names, filepath.Base(g))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "nomia: wrote %s (%s, %s; generated %s)\n", res.Module,
		count(len(res.Package.Meta.Skel.Progs), "program"), count(len(res.Package.Meta.Skel.Maps), "map"),
		strings.Join(names, ", "))
	return nil
}

// sdkDir is the nomia module a Go guest without go.mod builds against: the
// flag, $NOMIA_SDK, or the module cache's copy of the release this binary
// was built from (as `go install nomia.dev/nomia/cmd/nomia@VERSION` leaves it).
func (w *wasmBuildFlags) sdkDir() string {
	if w.sdk != "" {
		return w.sdk
	}
	if env := os.Getenv("NOMIA_SDK"); env != "" {
		return env
	}
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return ""
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		cache = filepath.Join(home, "go", "pkg", "mod")
	}
	dir := filepath.Join(cache, info.Main.Path+"@"+info.Main.Version)
	if _, err := os.Stat(filepath.Join(dir, "sdk", "go")); err != nil {
		return ""
	}
	return dir
}
