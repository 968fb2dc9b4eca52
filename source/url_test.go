package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nomia.dev/nomia/registry"
)

func readTestPackage(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/getppid.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// TestResolveURL serves a package over HTTP: it resolves with its digest,
// is cached under its URL, and runs from the cache once the server is gone.
func TestResolveURL(t *testing.T) {
	ctx := context.Background()
	data := readTestPackage(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(data)
	}))
	defer srv.Close()
	opts := Options{CacheDir: t.TempDir()}
	// Credentials in the URL reach the server but neither the cache key nor
	// Ref.
	u := strings.Replace(srv.URL, "http://", "http://user:pw@", 1) + "/tools/package.json"

	res, err := Resolve(ctx, u, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != URL || res.Package == nil || res.Package.Meta.Skel.ObjName != "getppid_bpf" || res.Digest != sha(data) {
		t.Fatalf("resolved %+v", res)
	}
	if res.Ref != srv.URL+"/tools/package.json" {
		t.Errorf("Ref %q keeps the URL's credentials or lost its path", res.Ref)
	}
	if _, err := Resolve(ctx, u, opts); err != nil || hits.Load() != 1 {
		t.Errorf("second resolve: %d downloads, %v; want the cache to answer", hits.Load(), err)
	}
	opts.Pull = registry.PullAlways
	if _, err := Resolve(ctx, u, opts); err != nil || hits.Load() != 2 {
		t.Errorf("--pull always: %d downloads, %v; want a fresh one", hits.Load(), err)
	}

	srv.Close()
	for _, p := range []registry.PullPolicy{registry.PullMissing, registry.PullNever} {
		opts.Pull = p
		res, err := Resolve(ctx, u, opts)
		if err != nil || res.Digest != sha(data) {
			t.Errorf("--pull %s with the server gone: %v", p, err)
		}
	}
	opts.Pull = registry.PullAlways
	if _, err := Resolve(ctx, u, opts); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("--pull always with the server gone: %v (want an error without the password)", err)
	}
	opts.Pull = registry.PullNever
	if _, err := Resolve(ctx, srv.URL+"/other.json", opts); err == nil || !strings.Contains(err.Error(), "not in the cache") {
		t.Errorf("--pull never, uncached URL: %v", err)
	}
}

// TestResolveURLLimits checks the status, size and time limits of downloads.
func TestResolveURLLimits(t *testing.T) {
	ctx := context.Background()
	mux := http.NewServeMux()
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 1000)))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	opts := Options{CacheDir: t.TempDir(), MaxSize: 100, URLTimeout: 200 * time.Millisecond}
	for path, want := range map[string]string{
		"/missing": "server answered 404 Not Found",
		"/big":     "more than the 100",
		"/slow":    "no answer within 200ms",
	} {
		_, err := Resolve(ctx, srv.URL+path, opts)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", path, err, want)
		}
	}
}
