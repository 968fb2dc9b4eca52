package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/registry"
)

func newPushCmd() *cobra.Command {
	var df distFlags
	cmd := &cobra.Command{
		Use:   "push REF PACKAGE",
		Short: "Store a package or WASM module in an OCI registry",
		Long: `Push a package.json (or a WASM module, told apart by its content) to an OCI
registry as a nomia artifact: one manifest whose annotations name the tool, its
description, program types and map types, and one layer with the file exactly as
given. REF is HOST[:PORT]/NAME:TAG; PACKAGE is a file or - for standard input.
It prints the pushed artifact's pinned reference (NAME@sha256:…), which is what
to run, pull or sign when the tag may move.`,
		Args: exactArgs("REF", "PACKAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, path := args[0], args[1]
			data, err := readInput(cmd, path)
			if err != nil {
				return err
			}
			desc, err := df.client(cmd.ErrOrStderr()).Push(cmd.Context(), ref, data)
			if err != nil {
				return err
			}
			pinned, _ := registry.ParseReference(ref) // Push parsed it already
			pinned.Reference = desc.Digest.String()
			fmt.Fprintln(cmd.OutOrStdout(), pinned.String())
			return nil
		},
	}
	df.registerTransport(cmd.Flags())
	return cmd
}

// readInput reads a file, or standard input for "-".
func readInput(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read standard input: %v", cmd.Name(), err)
		}
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read %s: %v", cmd.Name(), path, unwrapPathError(err))
	}
	return data, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// exactArgs wants exactly the named arguments and says which are missing in
// the terms of the command's usage line.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return fmt.Errorf("%s: %s missing: usage: nomia %s", cmd.Name(), strings.Join(names[len(args):], " "), cmd.Use)
		case len(args) > len(names):
			return fmt.Errorf("%s: unexpected argument %q: usage: nomia %s", cmd.Name(), args[len(names)], cmd.Use)
		}
		return nil
	}
}
