package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Usage of the --skip and --attach flags, which nomia run and nomia remote
// start share.
const (
	skipUsage   = "do not load or attach this program (repeatable; a glob such as '*_enter' skips every match), e.g. one the kernel refuses while the others can run"
	attachUsage = "attach program PROG to TARGET instead of what its section names (repeatable; several targets attach it to each): PATH:SYMBOL for a uprobe, FUNCTION for a kprobe"
)

// attachTargets is --attach PROG=TARGET, repeatable: the targets of each
// program, in the order given.
type attachTargets map[string][]string

func (a *attachTargets) String() string {
	var parts []string
	for prog, targets := range *a {
		for _, t := range targets {
			parts = append(parts, prog+"="+t)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (a *attachTargets) Type() string { return "PROG=TARGET" }

func (a *attachTargets) Set(s string) error {
	prog, target, ok := strings.Cut(s, "=")
	switch {
	case !ok || prog == "":
		return errors.New("want PROG=TARGET, e.g. handle_entry=libc.so.6:getaddrinfo (a uprobe) or dummy_kprobe=vfs_read (a kprobe)")
	case target == "":
		return fmt.Errorf("no target for %s: want %s=PATH:SYMBOL for a uprobe or %s=FUNCTION for a kprobe", prog, prog, prog)
	}
	if *a == nil {
		*a = attachTargets{}
	}
	(*a)[prog] = append((*a)[prog], target)
	return nil
}
