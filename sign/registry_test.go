package sign

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"nomia.dev/nomia/registry/registrytest"
	"oras.land/oras-go/v2/registry/remote"
)

// repoOn opens repository name on a test registry over plain HTTP.
func repoOn(t *testing.T, reg *registrytest.Server, name string) *remote.Repository {
	t.Helper()
	repo, err := remote.NewRepository(reg.Host + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	return repo
}

// corruptBlob flips one byte of a blob in the registry's storage, behind
// the registry's back, as a compromised storage backend would.
func corruptBlob(t *testing.T, reg *registrytest.Server, d ocispec.Descriptor) {
	t.Helper()
	path := reg.BlobPath(d.Digest.String())
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRegistrySignVerify(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	ctx := context.Background()
	repo := repoOn(t, reg, "nomia/demo")
	ref := reg.Host + "/nomia/demo"
	key, pub := testKey(t, 0)
	_, other := testKey(t, 1)
	art := pushArtifact(t, repo, `{"bpf_object":"AA=="}`, "v1")

	if err := Verify(ctx, repo, ref+":v1", art, pub); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("before signing: %v, want ErrNotSigned", err)
	}
	if err := Sign(ctx, repo, ref+":v1", art, key); err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, repo, ref+":v1", art, pub); err != nil {
		t.Fatalf("after signing: %v", err)
	}
	if err := Verify(ctx, repo, ref, art, other); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("another key: %v, want ErrBadSignature", err)
	}
	// A fresh client sees the same: nothing was cached in the first one.
	if err := Verify(ctx, repoOn(t, reg, "nomia/demo"), ref, art, pub); err != nil {
		t.Fatalf("fresh client: %v", err)
	}

	t.Run("cosign verifies it", func(t *testing.T) {
		cosign := cosignBinary(t)
		pubFile := writePublicKey(t, pub)
		out, err := exec.Command(cosign, "verify", "--key", pubFile, "--insecure-ignore-tlog=true",
			"--allow-http-registry", ref+"@"+art.Digest.String()).CombinedOutput()
		if err != nil {
			t.Fatalf("cosign verify: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), art.Digest.String()) {
			t.Errorf("cosign verify printed no payload naming %s:\n%s", art.Digest, out)
		}
		// And it does check: another key is refused.
		out, err = exec.Command(cosign, "verify", "--key", writePublicKey(t, other), "--insecure-ignore-tlog=true",
			"--allow-http-registry", ref+"@"+art.Digest.String()).CombinedOutput()
		if err == nil {
			t.Errorf("cosign verify accepted another key:\n%s", out)
		}
	})

	// Replace the signature layer with a payload naming another manifest,
	// keeping the genuine signature: the key no longer vouches for it.
	_, m := readSigManifest(t, repo, art)
	forged, err := NewPayload(ref, art.Digest, map[string]any{"forged": true})
	if err != nil {
		t.Fatal(err)
	}
	sigLayer := m.Layers[0]
	putSigManifest(t, repo, art, []ocispec.Descriptor{signedLayer(t, repo, forged, mustDecode(t, sigLayer.Annotations[SignatureAnnotation]))})
	if err := Verify(ctx, repo, ref, art, pub); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("altered payload: %v, want ErrBadSignature", err)
	}

	// Put the genuine manifest back, then alter the stored payload bytes.
	putSigManifest(t, repo, art, m.Layers)
	if err := Verify(ctx, repo, ref, art, pub); err != nil {
		t.Fatalf("restored signature: %v", err)
	}
	corruptBlob(t, reg, sigLayer)
	err = Verify(ctx, repo, ref, art, pub)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "corrupt or was altered") {
		t.Fatalf("corrupted payload blob: %v, want ErrMalformed saying it was altered", err)
	}
}

// TestRegistryVerifiesCosignSignature signs with cosign itself and verifies
// with this package, the other direction of compatibility.
func TestRegistryVerifiesCosignSignature(t *testing.T) {
	cosign := cosignBinary(t)
	reg := registrytest.Start(t, registrytest.Options{})
	ctx := context.Background()
	repo := repoOn(t, reg, "nomia/by-cosign")
	ref := reg.Host + "/nomia/by-cosign"
	art := pushArtifact(t, repo, "signed by cosign", "v1")

	dir := t.TempDir()
	keyFile, pubFile := filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := GenerateKeyFiles(keyFile, pubFile, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	// cosign 3 signs into Sigstore bundles (OCI referrers) by default; these
	// flags (accepted by cosign 2.6 too) ask for the key-pair .sig format.
	cmd := exec.Command(cosign, "sign", "--key", keyFile, "--use-signing-config=false", "--new-bundle-format=false",
		"--tlog-upload=false", "--allow-http-registry", "--yes", ref+"@"+art.Digest.String())
	cmd.Env = append(os.Environ(), "COSIGN_PASSWORD=pw")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cosign sign with a key GenerateKey wrote: %v\n%s", err, out)
	}
	pub, err := ReadPublicKeyFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, repo, ref, art, pub); err != nil {
		t.Fatalf("verifying cosign's signature: %v", err)
	}
	_, other := testKey(t, 1)
	if err := Verify(ctx, repo, ref, art, other); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("cosign's signature with another key: %v, want ErrBadSignature", err)
	}
}

// cosignBinary is $NOMIA_COSIGN or cosign on PATH; tests skip without it.
func cosignBinary(t *testing.T) string {
	if p := os.Getenv("NOMIA_COSIGN"); p != "" {
		return p
	}
	p, err := exec.LookPath("cosign")
	if err != nil {
		t.Skip("cosign is not installed (set NOMIA_COSIGN or put cosign on PATH): cannot check compatibility with it")
	}
	return p
}
