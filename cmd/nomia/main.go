// Command nomia builds eBPF C sources into portable packages and runs them.
//
//	nomia build opensnoop.bpf.c
//	sudo nomia run package.json --targ_pid 42
//	nomia push localhost:5000/tools/opensnoop:v1 package.json
//	sudo nomia serve
//
// It is a thin layer over the nomia library: every command wires flags to a
// package of the module and prints what it returns.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		msg := err.Error()
		if strings.HasPrefix(msg, "unknown command") {
			msg = unknownCommand(msg)
		}
		fmt.Fprintf(os.Stderr, "nomia: %s\n", msg)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "nomia",
		Short:         "Build eBPF programs into packages and run them",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newBuildCmd(), newRunCmd(), newVersionCmd(), newInitCmd())
	root.AddCommand(newPushCmd())
	root.AddCommand(newPullCmd())
	root.AddCommand(newLoginCmd(), newLogoutCmd())
	root.AddCommand(newImagesCmd())
	root.AddCommand(newServeCmd())
	root.AddCommand(newRemoteCmd())
	root.AddCommand(newKeyCmd())
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%s: %v (see: nomia %s --help)", cmd.Name(), err, cmd.Name())
	})
	return root
}

// unknownCommand puts cobra's multi-line "Did you mean this?" message on one
// line and lists the commands there are.
func unknownCommand(msg string) string {
	first, rest, _ := strings.Cut(msg, "\n")
	if _, suggestions, ok := strings.Cut(rest, "Did you mean this?"); ok {
		first += " (did you mean " + strings.Join(strings.Fields(suggestions), " or ") + "?)"
	}
	return first + " (commands: " + strings.Join(commandNames(), ", ") + "; see: nomia --help)"
}

// commandNames lists the root's commands, for the hint after a typo.
func commandNames() []string {
	var names []string
	for _, c := range newRootCmd().Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// exitError ends the command with a code and no further message (the message, if
// any, was printed already).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }
