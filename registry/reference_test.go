package registry

import (
	"strings"
	"testing"
)

func TestParseReference(t *testing.T) {
	for in, want := range map[string]string{
		"localhost:5000/tools/x:v1": "localhost:5000/tools/x:v1",
		"localhost/x":               "localhost/x:latest",
		"ghcr.io/org/x":             "ghcr.io/org/x:latest",
		"127.0.0.1:5000/x@sha256:" + strings.Repeat("ab", 32): "127.0.0.1:5000/x@sha256:" + strings.Repeat("ab", 32),
	} {
		r, err := ParseReference(in)
		if err != nil || r.String() != want {
			t.Errorf("ParseReference(%q) = %q, %v; want %q", in, r.String(), err, want)
		}
	}
	for in, want := range map[string]string{
		"x@sha256:abc":          "no registry host",
		"tools/x:v1":            "no registry host",
		"package.json":          "no registry host",
		"./dir/x":               "no registry host",
		"localhost:5000/X:v1":   "not an OCI reference",
		"localhost:5000/x@sha2": "not an OCI reference",
	} {
		_, err := ParseReference(in)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseReference(%q): err %v, want one line with %q", in, err, want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:5000": true, "127.0.0.1:80": true, "[::1]:5000": true, "127.0.0.2": true,
		"ghcr.io": false, "10.0.0.1:5000": false, "localhost.example:5000": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}

func TestPullPolicyFlag(t *testing.T) {
	var p PullPolicy
	for _, s := range []string{"always", "never", "missing"} {
		if err := p.Set(s); err != nil || p.String() != s {
			t.Errorf("Set(%q): %v, String %q", s, err, p.String())
		}
	}
	if err := p.Set("sometimes"); err == nil || !strings.Contains(err.Error(), "always, missing or never") {
		t.Errorf("Set(sometimes): %v", err)
	}
}
