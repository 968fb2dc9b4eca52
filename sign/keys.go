package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // crypto.SHA384 and SHA512 for P-384 and P-521 keys
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
)

// PEM block types of the key files cosign writes and reads.
const (
	// SigstorePrivateKeyType is the PEM type of cosign 2.x private keys and
	// of those GenerateKey writes: PKCS#8 in a password envelope.
	SigstorePrivateKeyType = "ENCRYPTED SIGSTORE PRIVATE KEY"
	// CosignPrivateKeyType is the same format as written by cosign 1.x.
	CosignPrivateKeyType = "ENCRYPTED COSIGN PRIVATE KEY"
	// PublicKeyType is the PEM type of a PKIX public key (cosign.pub).
	PublicKeyType = "PUBLIC KEY"
)

// GenerateKey makes an ECDSA P-256 key pair, cosign's default, and writes
// the private key encrypted under password to priv and the public key to pub,
// both PEM, in the files `cosign generate-key-pair` writes. An empty password
// is allowed, as in cosign (COSIGN_PASSWORD=""), but protects nothing.
func GenerateKey(priv, pub io.Writer, password []byte) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generating a P-256 key: %v", err)
	}
	privPEM, err := encryptPrivateKey(key, password)
	if err != nil {
		return err
	}
	pubPEM, err := marshalPublicKey(key.Public())
	if err != nil {
		return err
	}
	if _, err := priv.Write(privPEM); err != nil {
		return fmt.Errorf("writing the private key: %v", err)
	}
	if _, err := pub.Write(pubPEM); err != nil {
		return fmt.Errorf("writing the public key: %v", err)
	}
	return nil
}

// GenerateKeyFiles runs GenerateKey into two new files, the private one
// readable by its owner only. It refuses to overwrite either file, so a key
// that signed published artifacts is not lost by a repeated command.
func GenerateKeyFiles(privPath, pubPath string, password []byte) error {
	for _, p := range []string{privPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("key file %s already exists: remove it or choose another name", p)
		}
	}
	priv, err := os.OpenFile(privPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating private key file: %v", err)
	}
	pub, err := os.OpenFile(pubPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		priv.Close()
		os.Remove(privPath)
		return fmt.Errorf("creating public key file: %v", err)
	}
	err = GenerateKey(priv, pub, password)
	for _, f := range []*os.File{priv, pub} {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %v", f.Name(), cerr)
		}
	}
	if err != nil {
		os.Remove(privPath)
		os.Remove(pubPath)
	}
	return err
}

// encryptPrivateKey is the PEM cosign 2.x writes for key.
func encryptPrivateKey(key crypto.Signer, password []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key: %v", err)
	}
	sealed, err := seal(der, password)
	if err != nil {
		return nil, fmt.Errorf("encrypting the private key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: SigstorePrivateKeyType, Bytes: sealed}), nil
}

func marshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: PublicKeyType, Bytes: der}), nil
}

// LoadPrivateKey reads a PEM private key: cosign's encrypted formats
// (decrypted with password), or an unencrypted PKCS#8, SEC1 or PKCS#1 key
// (password ignored). The key must be ECDSA or RSA.
func LoadPrivateKey(pemBytes, password []byte) (crypto.Signer, error) {
	encrypted := func(der []byte) (any, error) {
		plain, err := open(der, password)
		if err != nil {
			return nil, err
		}
		return x509.ParsePKCS8PrivateKey(plain)
	}
	key, err := decodePEM(pemBytes, "private key (cosign.key)", map[string]derParser{
		SigstorePrivateKeyType: encrypted,
		CosignPrivateKeyType:   encrypted,
		"PRIVATE KEY":          x509.ParsePKCS8PrivateKey,
		"EC PRIVATE KEY":       func(der []byte) (any, error) { return x509.ParseECPrivateKey(der) },
		"RSA PRIVATE KEY":      func(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) },
	})
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", key)
	}
	if _, err := signatureHashes(signer.Public()); err != nil {
		return nil, err
	}
	return signer, nil
}

// LoadPublicKey reads a PEM PKIX public key (cosign.pub) or a PKCS#1
// "RSA PUBLIC KEY". The key must be ECDSA or RSA.
func LoadPublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	key, err := decodePEM(pemBytes, "public key (cosign.pub)", map[string]derParser{
		PublicKeyType:    x509.ParsePKIXPublicKey,
		"RSA PUBLIC KEY": func(der []byte) (any, error) { return x509.ParsePKCS1PublicKey(der) },
	})
	if err != nil {
		return nil, err
	}
	if _, err := signatureHashes(key); err != nil {
		return nil, err
	}
	return key, nil
}

// derParser decodes the bytes of one PEM block type.
type derParser func(der []byte) (any, error)

// decodePEM parses the first PEM block of data with the parser for its type.
func decodePEM(data []byte, kind string, parsers map[string]derParser) (any, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("no PEM block: expected a PEM %s", kind)
	}
	parse, ok := parsers[block.Type]
	if !ok {
		return nil, fmt.Errorf("PEM block %q is not a %s", block.Type, kind)
	}
	return parse(block.Bytes)
}

// ReadPrivateKeyFile is LoadPrivateKey on a file, with errors naming it.
func ReadPrivateKeyFile(path string, password []byte) (crypto.Signer, error) {
	return readKeyFile(path, "private key", func(data []byte) (crypto.Signer, error) {
		return LoadPrivateKey(data, password)
	})
}

// ReadPublicKeyFile is LoadPublicKey on a file, with errors naming it.
func ReadPublicKeyFile(path string) (crypto.PublicKey, error) {
	return readKeyFile(path, "public key", LoadPublicKey)
}

func readKeyFile[K any](path, kind string, load func([]byte) (K, error)) (K, error) {
	var none K
	data, err := os.ReadFile(path)
	if err != nil {
		return none, fmt.Errorf("reading %s: %v", kind, err)
	}
	key, err := load(data)
	if err != nil {
		return none, fmt.Errorf("%s %s: %v", kind, path, err)
	}
	return key, nil
}

// KeyID names a public key in messages: "ecdsa-p256:" and the first 8 bytes
// of the SHA-256 of its PKIX encoding in hex, so a user can tell which key
// a signature was checked against.
func KeyID(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return fmt.Sprintf("%T", pub)
	}
	sum := sha256.Sum256(der)
	kind := "rsa"
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		kind = "ecdsa-" + curveName(k.Curve)
	}
	return fmt.Sprintf("%s:%x", kind, sum[:8])
}

func curveName(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "p256"
	case elliptic.P384():
		return "p384"
	case elliptic.P521():
		return "p521"
	}
	return "unknown"
}

// signatureHashes are the digests a signature by pub may be over, the one
// Sign uses first. cosign's verifiers hash with SHA-256 whatever the key
// (`cosign verify --signature-digest-algorithm` defaults to sha256), so
// Sign always does; but cosign's signers use sigstore's default for the
// curve, SHA-384 for P-384 and SHA-512 for P-521 keys, so Verify accepts
// that too. Either way a forgery means breaking ECDSA with a strong hash.
func signatureHashes(pub crypto.PublicKey) ([]crypto.Hash, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return []crypto.Hash{crypto.SHA256}, nil
		case elliptic.P384():
			return []crypto.Hash{crypto.SHA256, crypto.SHA384}, nil
		case elliptic.P521():
			return []crypto.Hash{crypto.SHA256, crypto.SHA512}, nil
		}
		return nil, fmt.Errorf("unsupported ECDSA curve %s: use P-256, P-384 or P-521", k.Curve.Params().Name)
	case *rsa.PublicKey:
		return []crypto.Hash{crypto.SHA256}, nil
	}
	return nil, fmt.Errorf("unsupported key type %T: use an ECDSA or RSA key (cosign generate-key-pair makes ECDSA P-256)", pub)
}

// signBytes signs the SHA-256 of data with key: ASN.1 DER for ECDSA,
// PKCS#1 v1.5 for RSA, as cosign does.
func signBytes(key crypto.Signer, data []byte) ([]byte, error) {
	hashes, err := signatureHashes(key.Public())
	if err != nil {
		return nil, err
	}
	return key.Sign(rand.Reader, sum(hashes[0], data), hashes[0])
}

// verifyBytes checks sig over data with pub; the error is ErrBadSignature.
func verifyBytes(pub crypto.PublicKey, data, sig []byte) error {
	hashes, err := signatureHashes(pub)
	if err != nil {
		return err
	}
	for _, h := range hashes {
		switch k := pub.(type) {
		case *ecdsa.PublicKey:
			if ecdsa.VerifyASN1(k, sum(h, data), sig) {
				return nil
			}
		case *rsa.PublicKey:
			if rsa.VerifyPKCS1v15(k, h, sum(h, data), sig) == nil {
				return nil
			}
		}
	}
	return ErrBadSignature
}

func sum(h crypto.Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}
