package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// TestImagesListAndRemove pulls a package by tag and one by URL, lists them
// with nomia images, and removes them.
func TestImagesListAndRemove(t *testing.T) {
	c := newCLI(t)
	pkgPath, data := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{})
	ref := srv.Host + "/tools/getppid:v1"
	pinned := strings.TrimSpace(c.must("push", ref, pkgPath))
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer web.Close()
	url := web.URL + "/getppid.json"

	c.must("pull", "--cache-dir", c.cacheDir, ref)
	c.must("pull", "--cache-dir", c.cacheDir, url)
	list := c.must("images", "--cache-dir", c.cacheDir)
	for _, want := range []string{ref, pinned, url, "getppid_bpf", "package"} {
		if !strings.Contains(list, want) {
			t.Errorf("images does not list %q:\n%s", want, list)
		}
	}
	if n := strings.Count(strings.TrimSpace(list), "\n"); n != 3 {
		t.Errorf("images: %d entries, want 3 (tag, digest, URL):\n%s", n, list)
	}

	c.must("images", "--cache-dir", c.cacheDir, "rm", ref, pinned, url)
	list = c.must("images", "--cache-dir", c.cacheDir)
	if strings.Contains(list, ref) || strings.Contains(list, url) {
		t.Errorf("images after rm:\n%s", list)
	}
	blobs, _ := os.ReadDir(c.cacheDir + "/blobs/sha256")
	if len(blobs) != 0 {
		t.Errorf("%d blobs left after removing every reference", len(blobs))
	}
	_, errOut, ok := c.run("", "images", "--cache-dir", c.cacheDir, "rm", ref)
	if ok || !strings.Contains(errOut, "is not cached") {
		t.Errorf("rm of an uncached reference: ok %v, %q", ok, errOut)
	}
}
