package source

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"nomia.dev/nomia/sign"
)

// TestResolveVerify resolves a signed and an unsigned artifact with a
// verification key: the signed one resolves to its package, the unsigned
// one to an error and no package; a file is refused before it is read.
func TestResolveVerify(t *testing.T) {
	ctx := context.Background()
	srv, client := testRegistry(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data := readTestPackage(t)
	signedRef, unsignedRef := srv.Host+"/tools/getppid:signed", srv.Host+"/tools/getppid:unsigned"
	desc, err := client.Push(ctx, signedRef, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Sign(ctx, signedRef, desc, key); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Push(ctx, unsignedRef, []byte("\x00asm\x01\x00\x00\x00")); err != nil {
		t.Fatal(err)
	}
	opts := Options{CacheDir: t.TempDir(), Registry: client, Verify: key.Public()}

	res, err := Resolve(ctx, signedRef, opts)
	if err != nil || res.Package == nil || res.Digest != sha(data) {
		t.Fatalf("signed artifact: %+v, %v", res, err)
	}
	res, err = Resolve(ctx, unsignedRef, opts)
	if !errors.Is(err, sign.ErrNotSigned) || res != nil {
		t.Errorf("unsigned artifact: %+v, %v, want ErrNotSigned", res, err)
	}
	_, err = Resolve(ctx, "testdata/getppid.json", opts)
	if err == nil || !strings.Contains(err.Error(), "signatures apply to OCI references") {
		t.Errorf("file with a verification key: %v", err)
	}
}
