package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
)

func blob(mediaType string, b []byte) ocispec.Descriptor {
	return content.NewDescriptorFromBytes(mediaType, b)
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPushVerifies(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	data := []byte("package bytes")
	desc := blob("application/json", data)

	bad := append([]byte(nil), data...)
	bad[0] ^= 1
	if err := s.Push(ctx, desc, bytes.NewReader(bad)); !errors.Is(err, content.ErrMismatchedDigest) {
		t.Errorf("flipped byte: err %v, want ErrMismatchedDigest", err)
	}
	if err := s.Push(ctx, desc, bytes.NewReader(data[:5])); err == nil {
		t.Error("short content stored")
	}
	if ok, _ := s.Exists(ctx, desc); ok {
		t.Fatal("a rejected push left a blob behind")
	}
	if left, _ := os.ReadDir(filepath.Join(s.Dir(), tmpDir)); len(left) != 0 {
		t.Errorf("rejected pushes left %d temporary files", len(left))
	}

	if err := s.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Bytes(ctx, desc)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Bytes = %q, %v; want %q", got, err, data)
	}
}

// TestFetchDetectsDamage corrupts a stored blob on disk: reading it must fail
// instead of returning the wrong bytes.
func TestFetchDetectsDamage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	data := []byte("0123456789")
	desc := blob("application/octet-stream", data)
	if err := s.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), blobDir, desc.Digest.Encoded())
	if err := os.WriteFile(path, []byte("0123456780"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Bytes(ctx, desc); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged blob read: err %v", err)
	}
	rc, err := s.Fetch(ctx, desc)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, content.ErrMismatchedDigest) {
		t.Errorf("Fetch of a damaged blob: err %v, want ErrMismatchedDigest", err)
	}
}

func TestTagResolveRemove(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	layerData := []byte(`{"bpf_object":""}`)
	layer := blob("application/vnd.test.layer", layerData)
	config := blob(ocispec.MediaTypeEmptyJSON, []byte("{}"))
	manifestData, _ := json.Marshal(ocispec.Manifest{
		MediaType: ocispec.MediaTypeImageManifest, Config: config, Layers: []ocispec.Descriptor{layer},
	})
	manifest := blob(ocispec.MediaTypeImageManifest, manifestData)
	other := []byte("unrelated")
	otherDesc := blob("application/octet-stream", other)
	for _, b := range []struct {
		d    ocispec.Descriptor
		data []byte
	}{{layer, layerData}, {config, []byte("{}")}, {manifest, manifestData}, {otherDesc, other}} {
		if err := s.Push(ctx, b.d, bytes.NewReader(b.data)); err != nil {
			t.Fatal(err)
		}
	}

	missing := blob("application/octet-stream", []byte("never stored"))
	if err := s.Tag(ctx, missing, "x"); !errors.Is(err, errdef.ErrNotFound) {
		t.Errorf("tagging a missing blob: %v", err)
	}
	const ref = "localhost:5000/tools/x:v1"
	if err := s.Tag(ctx, manifest, ref); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(ctx, otherDesc, "https://example.test/p.json"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Resolve(ctx, ref)
	if err != nil || got.Digest != manifest.Digest {
		t.Fatalf("Resolve = %v, %v; want %s", got.Digest, err, manifest.Digest)
	}
	entries, err := s.Entries()
	if err != nil || len(entries) != 2 || entries[1].Ref != ref {
		t.Fatalf("Entries = %+v, %v", entries, err)
	}

	freed, err := s.Remove(ctx, "https://example.test/p.json")
	if err != nil || freed != int64(len(other)) {
		t.Errorf("Remove freed %d bytes, %v; want %d", freed, err, len(other))
	}
	for _, d := range []ocispec.Descriptor{layer, config, manifest} {
		if ok, _ := s.Exists(ctx, d); !ok {
			t.Errorf("blob %s of a kept manifest was removed", d.Digest)
		}
	}
	if _, err := s.Remove(ctx, ref); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(filepath.Join(s.Dir(), blobDir))
	if len(left) != 0 {
		t.Errorf("%d blobs left after removing every reference", len(left))
	}
	if _, err := s.Resolve(ctx, ref); !errors.Is(err, errdef.ErrNotFound) {
		t.Errorf("Resolve after Remove: %v", err)
	}
	if _, err := s.Remove(ctx, ref); err == nil || !strings.Contains(err.Error(), "nomia images") {
		t.Errorf("removing twice: %v", err)
	}
}

func TestBadDigest(t *testing.T) {
	s := openTemp(t)
	d := ocispec.Descriptor{Digest: digest.Digest("sha256:../../etc"), Size: 1}
	if err := s.Push(context.Background(), d, strings.NewReader("x")); err == nil {
		t.Error("a digest that is a path was accepted")
	}
}

// failingReader yields some bytes, then fails, as a dropped connection does.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

// TestInterruptedPushLeavesNothing: a blob whose download fails halfway is
// neither stored nor left as a temporary file.
func TestInterruptedPushLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	data := bytes.Repeat([]byte("y"), 1<<20)
	desc := blob("application/octet-stream", data)
	err := s.Push(ctx, desc, &failingReader{n: len(data) / 2})
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("interrupted push: %v", err)
	}
	for _, sub := range []string{blobDir, tmpDir} {
		if left, _ := os.ReadDir(filepath.Join(s.Dir(), sub)); len(left) != 0 {
			t.Errorf("%s: %d files left by an interrupted push", sub, len(left))
		}
	}
}
