package registry

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// TestPlainHTTPOnlyForLoopback: HTTPS everywhere but this machine, unless
// the user says --insecure.
func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	for _, tc := range []struct {
		host     string
		insecure bool
		want     bool
	}{
		{"localhost:5000", false, true},
		{"127.0.0.1:5000", false, true},
		{"registry.example:5000", false, false},
		{"registry.example:5000", true, true},
		{"10.1.2.3:5000", false, false},
	} {
		c := &Client{Insecure: tc.insecure}
		if got := c.plainHTTP(tc.host); got != tc.want {
			t.Errorf("plainHTTP(%s, insecure=%v) = %v", tc.host, tc.insecure, got)
		}
	}
}

// TestExplain checks the one-line messages registry errors turn into.
func TestExplain(t *testing.T) {
	ref, _ := ParseReference("registry.example:5000/tools/x:v1")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&errcode.ErrorResponse{StatusCode: http.StatusUnauthorized}, "registry registry.example:5000 refused the credentials (run: nomia login registry.example:5000)"},
		{&errcode.ErrorResponse{StatusCode: http.StatusForbidden}, "denied access to tools/x"},
		{fmt.Errorf("wrapped: %w", errdef.ErrNotFound), "not found in registry registry.example:5000"},
		{errors.New(`Get "https://registry.example:5000/v2/": http: server gave HTTP response to HTTPS client`), "speaks plain HTTP (pass --insecure to allow it)"},
		{errors.New("some\nmulti-line\nfailure"), "pull registry.example:5000/tools/x:v1: some multi-line failure"},
	} {
		got := explain("pull", ref, tc.err).Error()
		if !strings.Contains(got, tc.want) || strings.Contains(got, "\n") {
			t.Errorf("explain(%v) = %q, want one line with %q", tc.err, got, tc.want)
		}
	}
}
