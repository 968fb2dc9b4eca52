package registry

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry/registrytest"
	"nomia.dev/nomia/sign"
)

func newSigningKey(t *testing.T) crypto.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// sigRef is the cache entry a verified signature of a is kept under.
func sigRef(t *testing.T, a *Artifact) string {
	t.Helper()
	r, err := ParseReference(a.Ref)
	if err != nil {
		t.Fatal(err)
	}
	return r.Registry + "/" + r.Repository + ":" + sign.SignatureTag(a.Manifest.Digest)
}

// TestVerifyPolicies signs a pushed package, verifies it at the registry,
// then offline from the signature that verification cached; the crypto
// check runs again each time, so another key and a damaged cached payload
// are refused offline too.
func TestVerifyPolicies(t *testing.T) {
	ctx := context.Background()
	srv, c, ref, _ := pushed(t)
	store := testStore(t)
	key, other := newSigningKey(t), newSigningKey(t)
	a, err := c.Pull(ctx, ref, store, PullAlways)
	if err != nil {
		t.Fatal(err)
	}

	err = c.Verify(ctx, a, store, PullNever, key.Public())
	if err == nil || !strings.Contains(err.Error(), "no signature in the cache") || !strings.Contains(err.Error(), "nomia pull --verify KEY "+ref) {
		t.Errorf("offline before any verification: %v", err)
	}
	if err := c.Verify(ctx, a, store, PullAlways, key.Public()); !errors.Is(err, sign.ErrNotSigned) {
		t.Errorf("unsigned: %v, want ErrNotSigned", err)
	}
	if err := c.Sign(ctx, ref, a.Manifest, key); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a, store, PullMissing, key.Public()); err != nil {
		t.Fatalf("signed, at the registry: %v", err)
	}
	if _, err := store.Resolve(ctx, sigRef(t, a)); err != nil {
		t.Fatalf("the verified signature was not cached: %v", err)
	}
	if err := c.Verify(ctx, a, store, PullMissing, other.Public()); !errors.Is(err, sign.ErrBadSignature) {
		t.Errorf("another key, cache then registry: %v, want ErrBadSignature", err)
	}

	srv.Stop()
	for _, p := range []PullPolicy{PullNever, PullMissing} {
		if err := c.Verify(ctx, a, store, p, key.Public()); err != nil {
			t.Errorf("--pull %s with the registry stopped: %v", p, err)
		}
	}
	// With the registry down, --pull missing reports the cached signature's
	// verdict rather than the failure to look for a newer one.
	for _, p := range []PullPolicy{PullNever, PullMissing} {
		if err := c.Verify(ctx, a, store, p, other.Public()); !errors.Is(err, sign.ErrBadSignature) {
			t.Errorf("another key, --pull %s with the registry stopped: %v, want ErrBadSignature", p, err)
		}
	}
	if err := c.Verify(ctx, a, store, PullAlways, key.Public()); err == nil || !strings.Contains(err.Error(), "comes from registry "+srv.Host) || strings.Contains(err.Error(), "\n") {
		t.Errorf("--pull always with the registry stopped: %v", err)
	}

	damageCachedPayload(t, ctx, store, sigRef(t, a))
	if err := c.Verify(ctx, a, store, PullNever, key.Public()); !errors.Is(err, sign.ErrMalformed) {
		t.Errorf("damaged cached payload: %v, want ErrMalformed", err)
	}
}

// damageCachedPayload flips a byte of the first payload of the signature
// manifest cached as ref.
func damageCachedPayload(t *testing.T, ctx context.Context, store *cache.Store, ref string) {
	t.Helper()
	desc, err := store.Resolve(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Bytes(ctx, desc)
	if err != nil {
		t.Fatal(err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(b, &m); err != nil || len(m.Layers) == 0 {
		t.Fatalf("cached signature manifest: %v, %d layers", err, len(m.Layers))
	}
	registrytest.FlipByte(t, filepath.Join(store.Dir(), "blobs", "sha256", m.Layers[0].Digest.Encoded()))
}

// TestVerifyRefusesTampering: a signature moved onto another artifact's
// signature tag, and a signed payload altered in the registry's storage,
// are refused, and nothing that failed is cached.
func TestVerifyRefusesTampering(t *testing.T) {
	ctx := context.Background()
	srv, c, ref, _ := pushed(t)
	store := testStore(t)
	key := newSigningKey(t)
	signed, err := c.Pull(ctx, ref, store, PullAlways)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sign(ctx, ref, signed.Manifest, key); err != nil {
		t.Fatal(err)
	}
	otherRef := srv.Host + "/tools/getppid:v2"
	if _, err := c.Push(ctx, otherRef, []byte("\x00asm\x01\x00\x00\x00")); err != nil {
		t.Fatal(err)
	}
	unsigned, err := c.Pull(ctx, otherRef, store, PullAlways)
	if err != nil {
		t.Fatal(err)
	}

	repo, err := c.Repository(ref)
	if err != nil {
		t.Fatal(err)
	}
	sigDesc, err := repo.Resolve(ctx, sign.SignatureTag(signed.Manifest.Digest))
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Tag(ctx, sigDesc, sign.SignatureTag(unsigned.Manifest.Digest)); err != nil {
		t.Fatal(err)
	}
	err = c.Verify(ctx, unsigned, store, PullMissing, key.Public())
	if !errors.Is(err, sign.ErrTampered) || strings.Contains(err.Error(), "\n") {
		t.Errorf("signature copied from another artifact: %v, want one line with ErrTampered", err)
	}
	if _, err := store.Resolve(ctx, sigRef(t, unsigned)); err == nil {
		t.Error("a signature that failed verification was cached")
	}

	b, err := content.FetchAll(ctx, repo, sigDesc)
	if err != nil {
		t.Fatal(err)
	}
	var sigs ocispec.Manifest
	if err := json.Unmarshal(b, &sigs); err != nil {
		t.Fatal(err)
	}
	srv.CorruptBlob(t, sigs.Layers[0].Digest.String())
	if err := c.Verify(ctx, signed, store, PullAlways, key.Public()); !errors.Is(err, sign.ErrMalformed) {
		t.Errorf("signed payload altered in the registry: %v, want ErrMalformed", err)
	}
}
