package sign

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"
)

// testRegistry is a docker-registry (distribution 2.8) serving on loopback
// from a temporary directory, for the length of one test.
type testRegistry struct {
	addr string // host:port
	root string // storage.filesystem.rootdirectory
}

func startRegistry(t *testing.T) *testRegistry {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Skip("docker-registry is not installed (apt-get install docker-registry): no real registry to test against")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	r := &testRegistry{addr: addr, root: filepath.Join(dir, "storage")}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", r.root, addr)
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfgPath)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	// Wait until it answers; a registry that never does fails the test
	// after a generous bound rather than hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		select {
		case <-exited:
			t.Fatalf("docker-registry exited: %s", logs.String())
		case <-ctx.Done():
			t.Fatalf("docker-registry on %s never answered: %s", addr, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// repo opens repository name on the registry over plain HTTP.
func (r *testRegistry) repo(t *testing.T, name string) *remote.Repository {
	t.Helper()
	repo, err := remote.NewRepository(r.addr + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	return repo
}

// corruptBlob flips one byte of a blob in the registry's storage, behind
// the registry's back, as a compromised storage backend would.
func (r *testRegistry) corruptBlob(t *testing.T, d ocispec.Descriptor) {
	t.Helper()
	hex := d.Digest.Encoded()
	path := filepath.Join(r.root, "docker/registry/v2/blobs", d.Digest.Algorithm().String(), hex[:2], hex, "data")
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
	reg := startRegistry(t)
	ctx := context.Background()
	repo := reg.repo(t, "nomia/demo")
	ref := reg.addr + "/nomia/demo"
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
	if err := Verify(ctx, reg.repo(t, "nomia/demo"), ref, art, pub); err != nil {
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
	reg.corruptBlob(t, sigLayer)
	err = Verify(ctx, repo, ref, art, pub)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "corrupt or was altered") {
		t.Fatalf("corrupted payload blob: %v, want ErrMalformed saying it was altered", err)
	}
}

// TestRegistryVerifiesCosignSignature signs with cosign itself and verifies
// with this package, the other direction of compatibility.
func TestRegistryVerifiesCosignSignature(t *testing.T) {
	cosign := cosignBinary(t)
	reg := startRegistry(t)
	ctx := context.Background()
	repo := reg.repo(t, "nomia/by-cosign")
	ref := reg.addr + "/nomia/by-cosign"
	art := pushArtifact(t, repo, "signed by cosign", "v1")

	dir := t.TempDir()
	keyFile, pubFile := filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := GenerateKeyFiles(keyFile, pubFile, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cosign, "sign", "--key", keyFile, "--tlog-upload=false", "--allow-http-registry", "--yes",
		ref+"@"+art.Digest.String())
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
