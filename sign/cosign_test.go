package sign

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"os"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content/memory"
)

// cosignSigned is the manifest cosign signed for testdata/cosign.
const cosignSigned = digest.Digest("sha256:f20c43161d73848408ef247f0ec7111b19fe58ffebc0cbcaa0d2c8bda4967268")

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/cosign/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCosignKeyFiles reads a key pair cosign generated.
func TestCosignKeyFiles(t *testing.T) {
	key, err := LoadPrivateKey(readFixture(t, "cosign.key"), []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey(readFixture(t, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
		t.Error("cosign.key and cosign.pub hold different keys")
	}
}

// TestVerifyCosignSignature stores cosign's signature bytes unchanged and
// verifies them, and checks that Sign writes the config cosign writes.
func TestVerifyCosignSignature(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	manifestBytes := readFixture(t, "signature-manifest.json")
	var m ocispec.Manifest
	if err := json.Unmarshal(manifestBytes, &m); err != nil {
		t.Fatal(err)
	}
	blobs := map[string][]byte{
		m.Config.MediaType:    readFixture(t, "signature-config.json"),
		m.Layers[0].MediaType: readFixture(t, "payload.json"),
	}
	for mediaType, blob := range blobs {
		if _, err := oras.PushBytes(ctx, store, mediaType, blob); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := oras.TagBytes(ctx, store, m.MediaType, manifestBytes, SignatureTag(cosignSigned)); err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey(readFixture(t, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	signed := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: cosignSigned}
	if err := Verify(ctx, store, "127.0.0.1:45123/t/a", signed, pub); err != nil {
		t.Fatalf("cosign's signature: %v", err)
	}

	_, config, err := signatureManifest(m.Layers)
	if err != nil {
		t.Fatal(err)
	}
	if want := readFixture(t, "signature-config.json"); !bytes.Equal(config, want) {
		t.Errorf("signature config\n got %s\nwant %s (cosign's)", config, want)
	}
}
