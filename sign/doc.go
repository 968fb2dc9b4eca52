// Package sign signs nomia artifacts in an OCI registry and verifies them,
// in cosign's key-pair format, so that `cosign verify --key cosign.pub
// --insecure-ignore-tlog=true REPO@DIGEST` accepts what nomia signs and nomia
// accepts what `cosign sign --key cosign.key --tlog-upload=false` signs
// (checked against cosign 2.6.5 and 3.1.3; cosign 3 also needs
// --use-signing-config=false --new-bundle-format=false when signing, since
// by default it stores Sigstore bundles as OCI referrers instead).
//
// # Why cosign's format, written with the standard library
//
// The issue asks for signatures "another tool can also verify". The two
// candidates were notation (Notary Project: X.509 certificate chains, a trust
// policy file and a trust store before the first verification) and cosign
// (one PEM public key). cosign's key-pair scheme fits nomia's one-command
// style: `nomia push --sign cosign.key` and `nomia run --verify cosign.pub`,
// with keys that `cosign generate-key-pair` makes and reads.
//
// The scheme is small and stable since cosign 1.0 (see [SignatureTag],
// [Payload] and the constants below):
//   - the signed payload is a "simple signing" JSON document naming the
//     manifest digest (sigstore's payload.SimpleContainerImage);
//   - the signature is ECDSA (P-256 with SHA-256 for cosign's default keys)
//     over the SHA-256 of the payload, ASN.1 DER, base64 in a layer annotation;
//   - it is stored as an OCI image manifest tagged "sha256-<hex>.sig" in the
//     artifact's own repository, one layer per signature.
//
// sigstore's own Go modules are served by the Go proxy, but do not fit:
// github.com/sigstore/sigstore v1.11.1 and later require Go 1.27 (nomia
// builds with 1.26); v1.10.4's signature package still imports
// go-containerregistry, sigstore's protobuf specs, go-securesystemslib and
// x/term for one payload struct and a key loader; and building cosign 2.6.5
// itself downloads 257 modules. Everything the key-pair scheme needs is in
// crypto/ecdsa, crypto/x509 and encoding/pem, plus golang.org/x/crypto's
// scrypt and nacl/secretbox (already a dependency) for cosign's encrypted
// private keys; the OCI side goes through oras-go, which nomia already uses
// for push and pull. So this package depends on no sigstore module, and
// testdata/cosign holds keys and a signature made by cosign to keep it honest.
//
// # Keys
//
// [GenerateKey] writes an "ENCRYPTED SIGSTORE PRIVATE KEY" PEM (PKCS#8 inside
// the scrypt + nacl/secretbox JSON envelope of go-securesystemslib, as cosign
// 2.x writes) and a "PUBLIC KEY" PEM (PKIX), so the pair works with cosign
// too. [LoadPrivateKey] also reads cosign 1.x's "ENCRYPTED COSIGN PRIVATE
// KEY" and unencrypted PKCS#8 ("PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") and
// PKCS#1 ("RSA PRIVATE KEY") PEM keys. ECDSA (P-256, P-384, P-521) and RSA
// (PKCS#1 v1.5) keys sign over SHA-256, the digest `cosign verify` expects
// by default whatever the key; Verify also accepts the SHA-384 / SHA-512
// that cosign's own signers use with P-384 / P-521 keys. Ed25519 keys are
// refused, because cosign signs with them in a pre-hashed mode it alone
// defines.
//
// # What Verify checks
//
// A signature is accepted when one layer of the "sha256-<hex>.sig" manifest
// carries a signature that the public key verifies over the layer's bytes,
// and those bytes are a cosign payload naming exactly the manifest digest the
// caller resolved. Like `cosign verify`, the claimed identity
// ("docker-reference") is recorded but not compared, so an artifact copied to
// another repository with its signature still verifies. No transparency log
// or certificate is involved (cosign's --insecure-ignore-tlog). The caller
// must fetch the artifact itself by the digest it verified: oras-go checks
// fetched content against the descriptor's digest, which closes the loop.
package sign
