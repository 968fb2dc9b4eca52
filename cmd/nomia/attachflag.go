package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"
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
