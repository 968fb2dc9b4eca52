package sign

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
)

// testRepo is the repository the in-memory tests pretend to be.
const testRepo = "localhost:5000/tools/opensnoop"

// testKeys are two key pairs made once through GenerateKey and the loaders
// (scrypt makes each load cost a fraction of a second, so tests share them).
var testKeys = sync.OnceValues(func() ([2]keyPair, error) {
	var pairs [2]keyPair
	for i := range pairs {
		var priv, pub bytes.Buffer
		if err := GenerateKey(&priv, &pub, []byte("pw")); err != nil {
			return pairs, err
		}
		key, err := LoadPrivateKey(priv.Bytes(), []byte("pw"))
		if err != nil {
			return pairs, err
		}
		pk, err := LoadPublicKey(pub.Bytes())
		if err != nil {
			return pairs, err
		}
		pairs[i] = keyPair{key, pk}
	}
	return pairs, nil
})

type keyPair struct {
	priv crypto.Signer
	pub  crypto.PublicKey
}

// testKey is shared key pair i (0 or 1).
func testKey(t testing.TB, i int) (crypto.Signer, crypto.PublicKey) {
	t.Helper()
	pairs, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	return pairs[i].priv, pairs[i].pub
}

// pushArtifact stores a one-layer artifact holding body, tagged tag, as
// nomia's registry package would, and returns its manifest descriptor.
func pushArtifact(t testing.TB, target oras.Target, body, tag string) ocispec.Descriptor {
	t.Helper()
	ctx := context.Background()
	layer, err := oras.PushBytes(ctx, target, "application/vnd.nomia.package.v1+json", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	desc, err := oras.PackManifest(ctx, target, oras.PackManifestVersion1_1, "application/vnd.nomia.artifact.v1",
		oras.PackManifestOptions{Layers: []ocispec.Descriptor{layer}})
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Tag(ctx, desc, tag); err != nil {
		t.Fatal(err)
	}
	return desc
}

// readSigManifest fetches the signature manifest of d, failing the test if
// there is none.
func readSigManifest(t testing.TB, target oras.ReadOnlyTarget, d ocispec.Descriptor) (ocispec.Descriptor, ocispec.Manifest) {
	t.Helper()
	ctx := context.Background()
	desc, err := target.Resolve(ctx, SignatureTag(d.Digest))
	if err != nil {
		t.Fatal(err)
	}
	data, err := content.FetchAll(ctx, target, desc)
	if err != nil {
		t.Fatal(err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return desc, m
}

// putSigManifest stores layers as the signature manifest of d, the way an
// attacker with push access (or a buggy tool) would.
func putSigManifest(t testing.TB, target oras.Target, d ocispec.Descriptor, layers []ocispec.Descriptor) {
	t.Helper()
	m, cfg, err := signatureManifest(layers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := pushBlob(ctx, target, ocispec.MediaTypeImageConfig, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := oras.TagBytes(ctx, target, ocispec.MediaTypeImageManifest, m, SignatureTag(d.Digest)); err != nil {
		t.Fatal(err)
	}
}

// signedLayer pushes payload as a signature layer carrying sig.
func signedLayer(t testing.TB, target oras.Target, payload, sig []byte) ocispec.Descriptor {
	t.Helper()
	l, err := pushBlob(context.Background(), target, SimpleSigningMediaType, payload)
	if err != nil {
		t.Fatal(err)
	}
	l.Annotations = map[string]string{SignatureAnnotation: base64.StdEncoding.EncodeToString(sig)}
	return l
}

// writePublicKey writes pub as a cosign.pub in a temporary directory.
func writePublicKey(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	data, err := marshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustDecode is the bytes of a base64 signature annotation.
func mustDecode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
