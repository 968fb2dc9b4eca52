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
