package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the nomia version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "nomia", version.Version)
		},
	}
}
