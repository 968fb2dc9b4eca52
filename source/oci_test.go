package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oras.land/oras-go/v2/registry/remote/credentials"

	"nomia.dev/nomia/registry"
	"nomia.dev/nomia/registry/registrytest"
)

// testRegistry starts a registry and a client for it whose credentials are
// the test's own, never the user's docker config.
func testRegistry(t *testing.T) (*registrytest.Server, *registry.Client) {
	t.Helper()
	srv := registrytest.Start(t, registrytest.Options{})
	creds, err := credentials.NewStore(filepath.Join(t.TempDir(), "config.json"), credentials.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return srv, &registry.Client{Credentials: creds}
}

// TestResolveOCI pushes a package and a WASM module to a real registry and
// resolves them by tag and by digest.
func TestResolveOCI(t *testing.T) {
	ctx := context.Background()
	srv, client := testRegistry(t)
	data := readTestPackage(t)
	ref := srv.Host + "/tools/getppid:v1"
	desc, err := client.Push(ctx, ref, data)
	if err != nil {
		t.Fatal(err)
	}
	module := []byte("\x00asm\x01\x00\x00\x00")
	if _, err := client.Push(ctx, srv.Host+"/tools/mod:v1", module); err != nil {
		t.Fatal(err)
	}
	opts := Options{CacheDir: t.TempDir(), Registry: client}
	pinned := srv.Host + "/tools/getppid@" + desc.Digest.String()

	for _, arg := range []string{ref, pinned} {
		res, err := Resolve(ctx, arg, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind != OCI || res.Package == nil || res.Digest != sha(data) || res.Ref != pinned {
			t.Errorf("%s: kind %s, digest %s, ref %s", arg, res.Kind, res.Digest, res.Ref)
		}
		if res.Annotations["org.opencontainers.image.title"] != "getppid_bpf" {
			t.Errorf("%s: annotations %v", arg, res.Annotations)
		}
	}
	res, err := Resolve(ctx, srv.Host+"/tools/mod:v1", opts)
	if err != nil || !res.IsWASM() || string(res.WASM) != string(module) || res.Package != nil {
		t.Errorf("WASM artifact: %+v, %v", res, err)
	}
}

// TestResolveWASMFile recognises a WASM module by its magic, whatever its name.
func TestResolveWASMFile(t *testing.T) {
	dir := t.TempDir()
	module := []byte("\x00asm\x01\x00\x00\x00")
	for _, name := range []string{"tool.wasm", "tool.bin"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, module, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Resolve(context.Background(), path, Options{})
		if err != nil || !res.IsWASM() || res.Kind != File || res.Digest != sha(module) {
			t.Errorf("%s: %+v, %v", name, res, err)
		}
	}
}

// TestResolveMissingSaysWhatWasTried checks the one-line miss message.
func TestResolveMissingSaysWhatWasTried(t *testing.T) {
	for arg, want := range map[string]string{
		"tools/mytool:v1":      "OCI reference: no registry host",
		"localhost:5000/Bad:1": "OCI reference", // a path that is not there, but a reference that parses, is pulled
	} {
		_, err := Resolve(context.Background(), arg, Options{CacheDir: t.TempDir(), Pull: registry.PullNever})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", arg, err, want)
		}
	}
}
