package main

import (
	"strings"
	"testing"
)

func TestAttachTargetsFlag(t *testing.T) {
	var a attachTargets
	for _, s := range []string{"h=libc.so.6:getaddrinfo", "h=libc.so.6:gethostbyname", "k=vfs_read+4", "u=/opt/a=b:f"} {
		if err := a.Set(s); err != nil {
			t.Fatalf("Set(%q): %v", s, err)
		}
	}
	if got, want := a.String(), "h=libc.so.6:getaddrinfo,h=libc.so.6:gethostbyname,k=vfs_read+4,u=/opt/a=b:f"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for s, want := range map[string]string{
		"handle_entry": "want PROG=TARGET",
		"=libc.so.6:x": "want PROG=TARGET",
		"h=":           "no target for h: want h=PATH:SYMBOL for a uprobe or h=FUNCTION for a kprobe",
	} {
		if err := a.Set(s); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Set(%q) = %v, want an error starting %q", s, err, want)
		}
	}
}

// The program list of `nomia run SOURCE --help` tells how to attach a probe
// whose section names no function, and nothing for the others.
func TestTargetHint(t *testing.T) {
	for section, want := range map[string]string{
		"uprobe":                        "  (names no function: --attach p=PATH:SYMBOL)",
		"uretprobe":                     "  (names no function: --attach p=PATH:SYMBOL)",
		"uprobe//bin/bash:readline":     "",
		"tracepoint/sched/sched_switch": "",
		"bogus":                         "",
	} {
		if got := targetHint("p", section); got != want {
			t.Errorf("targetHint(p, %q) = %q, want %q", section, got, want)
		}
	}
}
