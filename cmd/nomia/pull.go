package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/registry"
	"nomia.dev/nomia/source"
)

func newPullCmd() *cobra.Command {
	var df distFlags
	var out string
	cmd := &cobra.Command{
		Use:   "pull SOURCE",
		Short: "Fetch a package from a registry or URL into the cache",
		Long: `Fetch an OCI reference (HOST[:PORT]/NAME[:TAG] or NAME@sha256:…) or an http(s)
URL into the local cache, verifying every blob's digest, so that later runs work
offline (nomia run --pull never). With -o it also writes the package or WASM
module, byte for byte, to a file (- for standard output). It prints the pinned
reference of what it fetched.`,
		Args: oneSource("SOURCE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := args[0]
			if kind := source.Classify(src); kind != source.URL && kind != source.OCI {
				return fmt.Errorf("pull %s: taken as a %s; pull fetches http(s) URLs and OCI references HOST/NAME[:TAG]", src, kind)
			}
			df.pull = registry.PullAlways
			res, err := source.Resolve(cmd.Context(), src, df.options(compile.Options{}, cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			if out == "-" {
				_, err := cmd.OutOrStdout().Write(res.Raw)
				return err
			}
			if out != "" {
				if err := writeAtomic(out, res.Raw); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", res.Ref, res.Digest)
			return nil
		},
	}
	df.registerTransport(cmd.Flags())
	df.registerCache(cmd.Flags())
	df.registerVerify(cmd.Flags())
	cmd.Flags().StringVarP(&out, "output", "o", "", "also write the package to this file (- for standard output)")
	return cmd
}
