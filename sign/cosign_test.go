package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
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

// TestCosignKeyTypes checks, against the cosign binary, that each key type
// this package accepts signs and verifies with the hash cosign uses for it:
// cosign signs a blob that verifyBytes must accept, and cosign verify-blob
// must accept what signBytes signs.
func TestCosignKeyTypes(t *testing.T) {
	cosign := cosignBinary(t)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	blob := []byte("a nomia package\n")
	for name, key := range map[string]crypto.Signer{"P-384": p384, "P-521": p521, "RSA-2048": rsa2048} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			der, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			write := func(name string, data []byte) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			plain := write("plain.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
			blobPath := write("blob", blob)
			run := func(args ...string) string {
				cmd := exec.Command(cosign, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), PasswordEnv+"=pw")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("cosign %s: %v\n%s", args[0], err, out)
				}
				return string(out)
			}
			run("import-key-pair", "--key", plain, "--output-key-prefix", "imported")
			run("sign-blob", "--key", "imported.key", "--tlog-upload=false", "--use-signing-config=false",
				"--new-bundle-format=false", "--output-signature", "blob.sig", blobPath)
			sig, err := os.ReadFile(filepath.Join(dir, "blob.sig"))
			if err != nil {
				t.Fatal(err)
			}
			if err := verifyBytes(key.Public(), blob, mustDecode(t, string(sig))); err != nil {
				t.Errorf("cosign's signature: %v", err)
			}

			ours, err := signBytes(key, blob)
			if err != nil {
				t.Fatal(err)
			}
			write("ours.sig", []byte(base64.StdEncoding.EncodeToString(ours)))
			run("verify-blob", "--key", "imported.pub", "--signature", "ours.sig", "--insecure-ignore-tlog=true", blobPath)
		})
	}
}
