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
	var keyPath string
	cmd := &cobra.Command{
		Use:   "push [--sign KEY] REF PACKAGE",
		Short: "Store a package or WASM module in an OCI registry",
		Long: `Push a package.json (or a WASM module, told apart by its content) to an OCI
registry as a nomia artifact: one manifest whose annotations name the tool, its
description, program types and map types, and one layer with the file exactly as
given. REF is HOST[:PORT]/NAME:TAG; PACKAGE is a file or - for standard input.
It prints the pushed artifact's pinned reference (NAME@sha256:…), which is what
to run, pull or sign when the tag may move.

With --sign KEY it then signs that manifest digest with a cosign private key
(nomia key generate, or cosign generate-key-pair), stored as cosign stores it
(tag sha256-HEX.sig), so that nomia run --verify and cosign verify accept it.
The key's password comes from $COSIGN_PASSWORD, else from the terminal.`,
		Args: exactArgs("REF", "PACKAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, path := args[0], args[1]
			// The key is opened first: a wrong password must not leave an
			// unsigned artifact behind.
			key, err := readSigningKey(cmd, keyPath)
			if err != nil {
				return err
			}
			data, err := readInput(cmd, path)
			if err != nil {
				return err
			}
			client := df.client(cmd.ErrOrStderr())
			desc, err := client.Push(cmd.Context(), ref, data)
			if err != nil {
				return err
			}
			if key != nil {
				if err := client.Sign(cmd.Context(), ref, desc, key); err != nil {
					return err
				}
			}
			pinned, _ := registry.ParseReference(ref) // Push parsed it already
			pinned.Reference = desc.Digest.String()
			fmt.Fprintln(cmd.OutOrStdout(), pinned.String())
			return nil
		},
	}
	df.registerTransport(cmd.Flags())
	cmd.Flags().StringVar(&keyPath, "sign", "", "sign the pushed manifest digest with the cosign private key in `FILE` (e.g. cosign.key)")
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
