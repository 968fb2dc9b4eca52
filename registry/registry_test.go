package registry

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"

	"nomia.dev/nomia/registry/registrytest"
)

// TestPushPullRoundTrip pushes a built package to a real registry and pulls it
// back by tag and by digest into fresh caches: the bytes must be identical and
// the manifest must describe the package.
func TestPushPullRoundTrip(t *testing.T) {
	ctx := context.Background()
	data := testPackage(t)
	srv := registrytest.Start(t, registrytest.Options{})
	c := testClient(t)
	ref := srv.Host + "/tools/getppid:v1"

	desc, err := c.Push(ctx, ref, data)
	if err != nil {
		t.Fatal(err)
	}
	if desc.ArtifactType != ArtifactType {
		t.Errorf("manifest artifactType %q, want %q", desc.ArtifactType, ArtifactType)
	}
	store := testStore(t)
	a, err := c.Pull(ctx, ref, store, PullMissing)
	if err != nil {
		t.Fatal(err)
	}
	if a.FromCache || a.IsWASM() || a.Manifest.Digest != desc.Digest {
		t.Errorf("pulled %+v, want manifest %s from the registry", a, desc.Digest)
	}
	got, err := store.Bytes(ctx, a.Layer)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("pulled layer differs from the pushed package (%d vs %d bytes, %v)", len(got), len(data), err)
	}
	for k, want := range map[string]string{
		ocispec.AnnotationTitle:       "getppid_bpf",
		ocispec.AnnotationDescription: "Report getppid(2) calls of one process: a tiny package for the registry tests.",
		ocispec.AnnotationVersion:     "1.0",
		AnnotationProgramTypes:        "tracepoint",
		AnnotationKernelFeatures:      "global_data,ringbuf,tracepoint",
	} {
		if a.Annotations[k] != want {
			t.Errorf("annotation %s = %q, want %q", k, a.Annotations[k], want)
		}
	}
	if a.Pinned != srv.Host+"/tools/getppid@"+desc.Digest.String() {
		t.Errorf("Pinned = %q", a.Pinned)
	}

	// By digest, into an empty cache.
	store2 := testStore(t)
	b, err := c.Pull(ctx, a.Pinned, store2, PullMissing)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store2.Bytes(ctx, b.Layer); err != nil || !bytes.Equal(got, data) {
		t.Errorf("pull by digest: layer differs (%v)", err)
	}
	// A second pull is answered by the cache.
	if b, err = c.Pull(ctx, a.Pinned, store2, PullMissing); err != nil || !b.FromCache {
		t.Errorf("second pull: FromCache %v, %v", b != nil && b.FromCache, err)
	}
}

// TestPullUsesCacheWhenRegistryIsDown stops the registry after a pull: the
// default policy and --pull never still work, --pull always says it cannot
// reach the registry.
func TestPullUsesCacheWhenRegistryIsDown(t *testing.T) {
	ctx := context.Background()
	srv, c, ref, data := pushed(t)
	store := testStore(t)
	if _, err := c.Pull(ctx, ref, store, PullMissing); err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	for _, p := range []PullPolicy{PullMissing, PullNever} {
		a, err := c.Pull(ctx, ref, store, p)
		if err != nil {
			t.Fatalf("--pull %s with the registry down: %v", p, err)
		}
		if got, _ := store.Bytes(ctx, a.Layer); !a.FromCache || !bytes.Equal(got, data) {
			t.Errorf("--pull %s: FromCache %v, layer equal %v", p, a.FromCache, bytes.Equal(got, data))
		}
	}
	_, err := c.Pull(ctx, ref, store, PullAlways)
	if err == nil || !strings.Contains(err.Error(), "cannot reach registry "+srv.Host) || strings.Contains(err.Error(), "\n") {
		t.Errorf("--pull always with the registry down: %v", err)
	}
	_, err = c.Pull(ctx, srv.Host+"/tools/other:v1", store, PullNever)
	if err == nil || !strings.Contains(err.Error(), "not in the cache") || !strings.Contains(err.Error(), "nomia pull") {
		t.Errorf("--pull never of an uncached reference: %v", err)
	}
}

// TestTamperedBlobRejected flips one byte of the package layer inside the
// registry's storage: the pull must fail, say so, and store nothing.
func TestTamperedBlobRejected(t *testing.T) {
	ctx := context.Background()
	srv, c, ref, data := pushed(t)
	layer := content.NewDescriptorFromBytes(MediaTypePackage, data)
	srv.CorruptBlob(t, layer.Digest.String())

	store := testStore(t)
	_, err := c.Pull(ctx, ref, store, PullMissing)
	if err == nil || !strings.Contains(err.Error(), "does not match its digest") || !strings.Contains(err.Error(), layer.Digest.String()) {
		t.Fatalf("tampered pull: %v", err)
	}
	if ok, _ := store.Exists(ctx, layer); ok {
		t.Error("the tampered layer was stored")
	}
	if entries, _ := store.Entries(); len(entries) != 0 {
		t.Errorf("a failed pull left references: %+v", entries)
	}
}

// TestWASMArtifacts pushes a WASM module with nomia and another the way
// eunomia's ecli does (OCI 1.0 manifest, WASM config, no artifactType): both
// pull as WASM.
func TestWASMArtifacts(t *testing.T) {
	ctx := context.Background()
	srv := registrytest.Start(t, registrytest.Options{})
	c := testClient(t)
	module := []byte("\x00asm\x01\x00\x00\x00")

	if _, err := c.Push(ctx, srv.Host+"/wasm/nomia:v1", module); err != nil {
		t.Fatal(err)
	}

	repo, err := remote.NewRepository(srv.Host + "/wasm/ecli")
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	layer := content.NewDescriptorFromBytes(MediaTypeWASM, module)
	cfg := content.NewDescriptorFromBytes(MediaTypeWASMConfig, []byte("{}"))
	for _, b := range []struct {
		d    ocispec.Descriptor
		data []byte
	}{{layer, module}, {cfg, []byte("{}")}} {
		if err := pushBlob(ctx, repo, b.d, b.data, nil); err != nil {
			t.Fatal(err)
		}
	}
	m, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_0, MediaTypeWASMConfig, oras.PackManifestOptions{Layers: []ocispec.Descriptor{layer}})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Tag(ctx, m, "v1"); err != nil {
		t.Fatal(err)
	}

	for _, ref := range []string{srv.Host + "/wasm/nomia:v1", srv.Host + "/wasm/ecli:v1"} {
		store := testStore(t)
		a, err := c.Pull(ctx, ref, store, PullAlways)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.Bytes(ctx, a.Layer)
		if !a.IsWASM() || err != nil || !bytes.Equal(got, module) {
			t.Errorf("%s: IsWASM %v, layer %q, %v", ref, a.IsWASM(), got, err)
		}
	}

	if _, err := c.Push(ctx, srv.Host+"/bad/x:v1", []byte(`{"not":"a package"}`)); err == nil || !strings.Contains(err.Error(), "not a package.json or WASM module") {
		t.Errorf("pushing junk: %v", err)
	}
}

// TestMovedTag re-pushes a tag with other content: --pull missing keeps what
// the cache resolved before, --pull always follows the tag, and the old
// artifact stays reachable by its digest.
func TestMovedTag(t *testing.T) {
	ctx := context.Background()
	srv, c, ref, data := pushed(t)
	store := testStore(t)
	first, err := c.Pull(ctx, ref, store, PullMissing)
	if err != nil {
		t.Fatal(err)
	}
	module := []byte("\x00asm\x01\x00\x00\x00")
	if _, err := c.Push(ctx, ref, module); err != nil {
		t.Fatal(err)
	}

	a, err := c.Pull(ctx, ref, store, PullMissing)
	if err != nil || a.IsWASM() || a.Manifest.Digest != first.Manifest.Digest {
		t.Errorf("--pull missing after the tag moved: %+v, %v; want the cached package", a, err)
	}
	a, err = c.Pull(ctx, ref, store, PullAlways)
	if err != nil || !a.IsWASM() {
		t.Fatalf("--pull always after the tag moved: %+v, %v; want the new WASM module", a, err)
	}
	srv.Stop()
	old, err := c.Pull(ctx, first.Pinned, store, PullNever)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Bytes(ctx, old.Layer); !bytes.Equal(got, data) {
		t.Error("the first package is gone from the cache although its digest reference remains")
	}
}

// TestPullRepairsDamagedCache damages the cached layer on disk: --pull never
// refuses it, and the default policy downloads it again.
func TestPullRepairsDamagedCache(t *testing.T) {
	ctx := context.Background()
	_, c, ref, data := pushed(t)
	store := testStore(t)
	a, err := c.Pull(ctx, ref, store, PullMissing)
	if err != nil {
		t.Fatal(err)
	}
	registrytest.FlipByte(t, filepath.Join(store.Dir(), "blobs", "sha256", a.Layer.Digest.Encoded()))
	if _, err := store.Bytes(ctx, a.Layer); err == nil {
		t.Fatal("damage not detected")
	}
	if _, err := c.Pull(ctx, ref, store, PullNever); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("--pull never with a damaged layer: %v", err)
	}
	if _, err := c.Pull(ctx, ref, store, PullMissing); err != nil {
		t.Fatal(err)
	}
	if got, err := store.Bytes(ctx, a.Layer); err != nil || !bytes.Equal(got, data) {
		t.Errorf("after a new pull the layer is still damaged: %v", err)
	}
}
