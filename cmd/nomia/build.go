package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/compile"
)

func newBuildCmd() *cobra.Command {
	var bf buildFlags
	var wf wasmBuildFlags
	var out string
	cmd := &cobra.Command{
		Use:   "build SRC.bpf.c | build --wasm DIR",
		Short: "Compile eBPF C into a package (package.json beside the source)",
		Long: `Compile kernel-only eBPF C with the system clang into one portable package:
the object plus metadata (programs, maps, globals with their doc comments, and the
event type of every ring-buffer and perf-buffer map, inferred from the object).
vmlinux.h is generated from the running kernel's BTF; libbpf headers are found.`,
		Args: oneSource("SRC.bpf.c"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if wf.on {
				return wf.build(cmd, args[0], &bf, out)
			}
			src := args[0]
			opts, err := bf.options(src)
			if err != nil {
				return err
			}
			pkg, err := compile.Build(cmd.Context(), opts)
			if err != nil {
				return err
			}
			data, err := pkg.Marshal()
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(filepath.Dir(src), "package.json")
			}
			if err := writeAtomic(out, data); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nomia: wrote %s (%s, %s, %s)\n", out,
				count(len(pkg.Meta.Skel.Progs), "program"), count(len(pkg.Meta.Skel.Maps), "map"),
				count(len(pkg.Meta.ExportTypes), "event type"))
			return nil
		},
	}
	bf.register(cmd.Flags())
	wf.register(cmd.Flags())
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the package (default: package.json beside the source)")
	return cmd
}

// writeAtomic writes through a temporary file and a rename so that a failed or
// interrupted build never leaves a half-written package behind.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		// Name the directory, not the temporary file nobody asked for.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %s: cannot create files in %s: %v", path, filepath.Dir(path), err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %v", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %v", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %v", path, strings.TrimPrefix(err.Error(), "rename "))
	}
	return nil
}

func count(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
