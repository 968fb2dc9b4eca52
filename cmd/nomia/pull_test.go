package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRunFromURL runs a package served by a local HTTP server, then again
// from the cache with the server gone, and pulls it byte for byte.
func TestRunFromURL(t *testing.T) {
	c := newCLI(t)
	_, data := c.buildTestPackage()
	var hits atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(data)
	}))
	defer web.Close()
	url := web.URL + "/tools/package.json"

	if pid := c.runEvent("--cache-dir", c.cacheDir, url); pid != os.Getpid() {
		t.Errorf("run %s: event pid %d, want %d", url, pid, os.Getpid())
	}
	out := filepath.Join(t.TempDir(), "out.json")
	stdout := c.must("pull", "--cache-dir", c.cacheDir, url, "-o", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) || !strings.HasPrefix(stdout, url+" sha256:") {
		t.Errorf("pull %s: %d bytes (want %d), printed %q", url, len(got), len(data), stdout)
	}
	if hits.Load() != 2 {
		t.Errorf("%d downloads, want 2 (run, then pull which always fetches)", hits.Load())
	}
	web.Close()
	if pid := c.runEvent("--cache-dir", c.cacheDir, "--pull", "never", url); pid != os.Getpid() {
		t.Errorf("run from the cache: event pid %d", pid)
	}
}

// TestPullRefusesFiles: pull fetches; a local path is named as what it is.
func TestPullRefusesFiles(t *testing.T) {
	root := newRootCmd()
	root.SetArgs([]string{"pull", "pull_test.go"})
	root.SetOut(&strings.Builder{})
	root.SetErr(&strings.Builder{})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "taken as a package file; pull fetches http(s) URLs and OCI references") {
		t.Errorf("pull of a file: %v", err)
	}
}
