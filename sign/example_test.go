package sign_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"nomia.dev/nomia/sign"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content/memory"
)

// Sign an artifact in a repository and verify it, as `nomia push --sign`
// and `nomia run --verify` do. A *remote.Repository from oras-go takes the
// place of the in-memory store against a real registry.
func Example() {
	ctx := context.Background()
	repo := memory.New() // stands for localhost:5000/tools/opensnoop

	// nomia key generate: cosign.key (encrypted) and cosign.pub.
	var privPEM, pubPEM bytes.Buffer
	if err := sign.GenerateKey(&privPEM, &pubPEM, []byte("password")); err != nil {
		panic(err)
	}
	key, err := sign.LoadPrivateKey(privPEM.Bytes(), []byte("password"))
	if err != nil {
		panic(err)
	}
	pub, err := sign.LoadPublicKey(pubPEM.Bytes())
	if err != nil {
		panic(err)
	}

	// The registry package pushes the artifact and hands over its manifest.
	manifest, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, "application/vnd.nomia.artifact.v1", oras.PackManifestOptions{})
	if err != nil {
		panic(err)
	}
	unsigned, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, "application/vnd.nomia.other.v1", oras.PackManifestOptions{})
	if err != nil {
		panic(err)
	}

	if err := sign.Sign(ctx, repo, "localhost:5000/tools/opensnoop:v1", manifest, key); err != nil {
		panic(err)
	}
	fmt.Println("signature tag is sha256-<hex>.sig:", sign.SignatureTag(manifest.Digest) == "sha256-"+manifest.Digest.Encoded()+".sig")
	fmt.Println("verify signed:", sign.Verify(ctx, repo, "localhost:5000/tools/opensnoop", manifest, pub))
	err = sign.Verify(ctx, repo, "localhost:5000/tools/opensnoop", unsigned, pub)
	fmt.Println("verify unsigned is ErrNotSigned:", errors.Is(err, sign.ErrNotSigned))
	// Output:
	// signature tag is sha256-<hex>.sig: true
	// verify signed: <nil>
	// verify unsigned is ErrNotSigned: true
}
