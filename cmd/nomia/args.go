package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// oneSource accepts exactly one SOURCE (build) and says what is missing in the
// terms of the command's own usage line, unlike cobra's generic count message.
func oneSource(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("%s: %s missing: usage: nomia %s", cmd.Name(), what, cmd.Use)
		case len(args) > 1:
			return fmt.Errorf("%s: one %s at a time, got %d (%q …): usage: nomia %s", cmd.Name(), what, len(args), args[1], cmd.Use)
		}
		return nil
	}
}

// atLeastSource requires SOURCE and lets everything after it through, since it
// belongs to the program (run).
func atLeastSource(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s: SOURCE missing: usage: nomia %s", cmd.Name(), cmd.Use)
	}
	return nil
}
