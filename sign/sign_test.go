package sign

import (
	"context"
	"errors"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/content/memory"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	key, pub := testKey(t, 0)
	art := pushArtifact(t, store, `{"bpf_object":"AA=="}`, "v1")

	if err := Sign(ctx, store, testRepo+":v1", art, key); err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, store, testRepo, art, pub); err != nil {
		t.Fatalf("Verify of a freshly signed artifact: %v", err)
	}

	// The stored signature is cosign's layout, byte for byte where cosign
	// fixes the bytes.
	_, m := readSigManifest(t, store, art)
	if m.MediaType != "application/vnd.oci.image.manifest.v1+json" || m.Config.MediaType != "application/vnd.oci.image.config.v1+json" {
		t.Errorf("signature manifest types %q / %q", m.MediaType, m.Config.MediaType)
	}
	if len(m.Layers) != 1 || m.Layers[0].MediaType != SimpleSigningMediaType {
		t.Fatalf("signature layers %+v, want one %s", m.Layers, SimpleSigningMediaType)
	}
	payload, err := content.FetchAll(ctx, store, m.Layers[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"critical":{"identity":{"docker-reference":"localhost:5000/tools/opensnoop"},"image":{"docker-manifest-digest":"` +
		art.Digest.String() + `"},"type":"cosign container image signature"},"optional":null}`
	if string(payload) != want {
		t.Errorf("payload\n got %s\nwant %s", payload, want)
	}
	sig := mustDecode(t, m.Layers[0].Annotations[SignatureAnnotation])
	if err := verifyBytes(pub, payload, sig); err != nil {
		t.Errorf("annotation signature does not verify over the layer: %v", err)
	}
}

func TestSignAgainAddsOnlyNewKeys(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	key1, pub1 := testKey(t, 0)
	key2, pub2 := testKey(t, 1)
	art := pushArtifact(t, store, "x", "v1")

	steps := []struct {
		name   string
		sign   func() error
		layers int
	}{
		{"first key", func() error { return Sign(ctx, store, testRepo, art, key1) }, 1},
		{"first key again", func() error { return Sign(ctx, store, testRepo, art, key1) }, 1},
		{"second key", func() error { return Sign(ctx, store, testRepo, art, key2) }, 2},
	}
	for _, s := range steps {
		if err := s.sign(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if _, m := readSigManifest(t, store, art); len(m.Layers) != s.layers {
			t.Fatalf("after signing with the %s: %d signature layers, want %d", s.name, len(m.Layers), s.layers)
		}
	}
	for i, pub := range []any{pub1, pub2} {
		if err := Verify(ctx, store, testRepo, art, pub); err != nil {
			t.Errorf("key %d: %v", i+1, err)
		}
	}
}

func TestVerifyUnsigned(t *testing.T) {
	store := memory.New()
	_, pub := testKey(t, 0)
	art := pushArtifact(t, store, "x", "v1")
	err := Verify(context.Background(), store, testRepo+":v1", art, pub)
	if !errors.Is(err, ErrNotSigned) {
		t.Fatalf("Verify of an unsigned artifact: %v, want ErrNotSigned", err)
	}
	want := testRepo + "@" + art.Digest.String() + " is not signed (no sha256-" + art.Digest.Encoded() + ".sig)"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start %q", err, want)
	}
}

func TestVerifyWrongKey(t *testing.T) {
	store, good, _ := signedAndUnsigned(t)
	_, other := testKey(t, 1)
	err := Verify(context.Background(), store, testRepo, good, other)
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Verify with another key: %v, want ErrBadSignature", err)
	}
	if !strings.Contains(err.Error(), "signature does not match key "+KeyID(other)) {
		t.Errorf("message %q does not name the key", err)
	}
}

// signedAndUnsigned is a store with two artifacts, good signed by test key
// 0 and evil unsigned.
func signedAndUnsigned(t *testing.T) (store *memory.Store, good, evil ocispec.Descriptor) {
	t.Helper()
	store = memory.New()
	key, _ := testKey(t, 0)
	good = pushArtifact(t, store, "good", "v1")
	evil = pushArtifact(t, store, "evil", "v2")
	if err := Sign(context.Background(), store, testRepo, good, key); err != nil {
		t.Fatal(err)
	}
	return store, good, evil
}

// TestVerifyTamperedDigest moves the signature of one artifact onto another:
// the signature itself is genuine, but it names the first manifest.
func TestVerifyTamperedDigest(t *testing.T) {
	ctx := context.Background()
	store, good, evil := signedAndUnsigned(t)
	_, pub := testKey(t, 0)
	sigDesc, _ := readSigManifest(t, store, good)
	if err := store.Tag(ctx, sigDesc, SignatureTag(evil.Digest)); err != nil {
		t.Fatal(err)
	}
	err := Verify(ctx, store, testRepo, evil, pub)
	if !errors.Is(err, ErrTampered) {
		t.Fatalf("Verify with a copied signature: %v, want ErrTampered", err)
	}
	want := "signed payload names digest " + good.Digest.String() + ", not " + evil.Digest.String() + " (tampered)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message %q, want it to contain %q", err, want)
	}
	if err := Verify(ctx, store, testRepo, good, pub); err != nil {
		t.Errorf("the original stays verified: %v", err)
	}
}

// TestVerifyAlteredPayload keeps the signature annotation but changes the
// payload it signs, as an attacker re-pointing a signature would.
func TestVerifyAlteredPayload(t *testing.T) {
	store, good, evil := signedAndUnsigned(t)
	_, pub := testKey(t, 0)
	_, m := readSigManifest(t, store, good)
	sig := mustDecode(t, m.Layers[0].Annotations[SignatureAnnotation])
	forged, err := NewPayload(testRepo, evil.Digest, nil)
	if err != nil {
		t.Fatal(err)
	}
	putSigManifest(t, store, evil, []ocispec.Descriptor{signedLayer(t, store, forged, sig)})
	if err := Verify(context.Background(), store, testRepo, evil, pub); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Verify of a payload the signature does not cover: %v, want ErrBadSignature", err)
	}
}

func TestVerifyMalformedSignatures(t *testing.T) {
	ctx := context.Background()
	key, pub := testKey(t, 0)
	sign := func(b []byte) []byte {
		s, err := signBytes(key, b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name    string
		payload string
		edit    func(l *ocispec.Descriptor)
		want    string
	}{
		{"payload not JSON", "not json", nil, "signed payload is not cosign's JSON"},
		{"payload of another type", `{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:` +
			strings.Repeat("0", 64) + `"},"type":"atomic container signature"},"optional":null}`, nil, `type "atomic container signature"`},
		{"payload without digest", `{"critical":{"type":"cosign container image signature"}}`, nil, "names no valid manifest digest"},
		{"no annotation", "{}", func(l *ocispec.Descriptor) { l.Annotations = nil }, "has no dev.cosignproject.cosign/signature annotation"},
		{"signature not base64", "{}", func(l *ocispec.Descriptor) { l.Annotations[SignatureAnnotation] = "%%%" }, "signature is not base64"},
		{"wrong media type", "{}", func(l *ocispec.Descriptor) { l.MediaType = "application/json" }, `media type "application/json"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := memory.New()
			art := pushArtifact(t, store, "x", "v1")
			l := signedLayer(t, store, []byte(c.payload), sign([]byte(c.payload)))
			if c.edit != nil {
				c.edit(&l)
			}
			putSigManifest(t, store, art, []ocispec.Descriptor{l})
			err := Verify(ctx, store, testRepo, art, pub)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Verify: %v, want ErrMalformed saying %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message has several lines: %q", err)
			}
		})
	}
}

func TestVerifyRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	_, pub := testKey(t, 0)
	art := pushArtifact(t, store, "x", "v1")

	err := Verify(ctx, store, testRepo, ocispec.Descriptor{Digest: "sha256:beef"}, pub)
	if err == nil || !strings.Contains(err.Error(), `manifest digest "sha256:beef"`) {
		t.Errorf("invalid digest: %v", err)
	}

	// More layers than cosign reads: refused before any is fetched.
	layers := make([]ocispec.Descriptor, maxLayers+1)
	for i := range layers {
		layers[i] = ocispec.Descriptor{MediaType: SimpleSigningMediaType, Digest: art.Digest, Size: 1}
	}
	putSigManifest(t, store, art, layers)
	if err := Verify(ctx, store, testRepo, art, pub); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "1001 signature layers") {
		t.Errorf("too many layers: %v", err)
	}
}
