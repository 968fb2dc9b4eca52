package servertest_test

import (
	"net/http"
	"strings"
	"testing"

	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// TestNew checks that the server listens on loopback with the default token
// and that Stop, called before the cleanup's own, closes it.
func TestNew(t *testing.T) {
	ts := servertest.New(t, server.Config{})
	if !strings.HasPrefix(ts.URL, "http://127.0.0.1:") || ts.Token() != "test-token" {
		t.Errorf("URL %s token %q: want loopback and test-token", ts.URL, ts.Token())
	}
	if list, err := ts.Client.List(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("list: %v, %v; want an empty list", list, err)
	}
	ts.Stop()
	if _, err := http.Get(ts.URL + "/healthz"); err == nil {
		t.Error("the server still answers after Stop")
	}
}
