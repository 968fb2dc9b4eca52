// Command nomia builds eBPF C sources into portable packages and runs them.
//
//	nomia build opensnoop.bpf.c
//	sudo nomia run package.json --targ_pid 42
//
// It is a thin layer over the nomia library: every command wires flags to a
// package of the module and prints what it returns.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "nomia",
		Short:         "Build eBPF programs into packages and run them",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newBuildCmd(), newRunCmd(), newVersionCmd())
	if err := root.Execute(); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintf(os.Stderr, "nomia: %v\n", err)
		os.Exit(1)
	}
}

// exitError ends the command with a code and no further message (the message, if
// any, was printed already).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }
