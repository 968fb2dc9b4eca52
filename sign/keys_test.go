package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateKeyFormat(t *testing.T) {
	var priv, pub bytes.Buffer
	if err := GenerateKey(&priv, &pub, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(priv.Bytes())
	if block == nil || block.Type != SigstorePrivateKeyType {
		t.Fatalf("private key PEM type: %+v", block)
	}
	// The envelope is go-securesystemslib's: scrypt with the standard
	// parameters and nacl/secretbox.
	var env map[string]any
	if err := json.Unmarshal(block.Bytes, &env); err != nil {
		t.Fatal(err)
	}
	kdf := env["kdf"].(map[string]any)
	params := kdf["params"].(map[string]any)
	if kdf["name"] != "scrypt" || params["N"] != 65536.0 || params["r"] != 8.0 || params["p"] != 1.0 {
		t.Errorf("kdf %v", kdf)
	}
	if env["cipher"].(map[string]any)["name"] != "nacl/secretbox" {
		t.Errorf("cipher %v", env["cipher"])
	}

	key, err := LoadPrivateKey(priv.Bytes(), []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	pk, err := LoadPublicKey(pub.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := pk.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() || !ec.Equal(key.Public()) {
		t.Errorf("public key %T does not match the private key's P-256 public key", pk)
	}
	if _, err := LoadPrivateKey(priv.Bytes(), []byte("Secret")); err == nil || !strings.Contains(err.Error(), "wrong password") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestGenerateKeyFiles(t *testing.T) {
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := GenerateKeyFiles(priv, pub, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(priv); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("private key file mode: %v %v", st.Mode(), err)
	}
	key, err := ReadPrivateKeyFile(priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ReadPublicKeyFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !key.Public().(*ecdsa.PublicKey).Equal(pk) {
		t.Error("the files hold different keys")
	}
	before, _ := os.ReadFile(priv)
	err = GenerateKeyFiles(priv, filepath.Join(dir, "other.pub"), nil)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwriting: %v", err)
	}
	if after, _ := os.ReadFile(priv); !bytes.Equal(before, after) {
		t.Error("the existing private key was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "other.pub")); !os.IsNotExist(err) {
		t.Errorf("a refused generation left other.pub behind: %v", err)
	}
	if _, err := ReadPublicKeyFile(priv); err == nil || !strings.Contains(err.Error(), priv) {
		t.Errorf("a private key read as public key: %v (want the file named)", err)
	}
}

func TestLoadPrivateKeyFormats(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sec1, _ := x509.MarshalECPrivateKey(ec)
	cases := []struct {
		name, typ string
		der       []byte
		wantErr   string
	}{
		{"PKCS#8 ECDSA", "PRIVATE KEY", pkcs8(ec), ""},
		{"SEC1 ECDSA", "EC PRIVATE KEY", sec1, ""},
		{"PKCS#1 RSA", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk), ""},
		{"PKCS#8 Ed25519", "PRIVATE KEY", pkcs8(ed), "unsupported key type ed25519.PublicKey"},
		{"certificate", "CERTIFICATE", []byte{1}, `PEM block "CERTIFICATE" is not a private key`},
		{"cosign 1.x envelope, not JSON", CosignPrivateKeyType, []byte("{"), "not the scrypt/secretbox JSON envelope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key, err := LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: c.typ, Bytes: c.der}), nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Each accepted key signs what its public key verifies.
			sig, err := signBytes(key, []byte("payload"))
			if err != nil {
				t.Fatal(err)
			}
			if err := verifyBytes(key.Public(), []byte("payload"), sig); err != nil {
				t.Error(err)
			}
			if verifyBytes(key.Public(), []byte("payloaD"), sig) == nil {
				t.Error("a signature verified over other bytes")
			}
		})
	}
	if _, err := LoadPrivateKey([]byte("not pem"), nil); err == nil || !strings.Contains(err.Error(), "no PEM block") {
		t.Errorf("garbage: %v", err)
	}
}

func TestOpenRefusesCostlyOrForeignEnvelopes(t *testing.T) {
	sealed, err := seal([]byte("x"), []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(*envelope)) []byte {
		var env envelope
		if err := json.Unmarshal(sealed, &env); err != nil {
			t.Fatal(err)
		}
		f(&env)
		b, _ := json.Marshal(env)
		return b
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"huge scrypt N": {edit(func(e *envelope) { e.KDF.Params.N = 1 << 22 }), "unsupported scrypt parameters N=4194304"},
		"other kdf":     {edit(func(e *envelope) { e.KDF.Name = "pbkdf2" }), "uses pbkdf2/nacl/secretbox"},
		"short nonce":   {edit(func(e *envelope) { e.Cipher.Nonce = e.Cipher.Nonce[:8] }), "8-byte nonce"},
		"flipped byte":  {edit(func(e *envelope) { e.Ciphertext[0] ^= 1 }), "wrong password"},
	}
	for name, c := range cases {
		if _, err := open(c.data, []byte("pw")); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if plain, err := open(sealed, []byte("pw")); err != nil || string(plain) != "x" {
		t.Errorf("open(seal(x)) = %q, %v", plain, err)
	}
}

func TestKeyID(t *testing.T) {
	_, pub := testKey(t, 0)
	_, other := testKey(t, 1)
	id := KeyID(pub)
	if !strings.HasPrefix(id, "ecdsa-p256:") || len(id) != len("ecdsa-p256:")+16 || id == KeyID(other) {
		t.Errorf("KeyID %q (other key %q)", id, KeyID(other))
	}
}

// TestSignatureHashes: Sign uses SHA-256 with every key (what cosign verify
// checks by default); Verify also takes the curve's own hash for P-384 and
// P-521, which cosign's signers use, and nothing else.
func TestSignatureHashes(t *testing.T) {
	data := []byte("payload")
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	signWith := func(k *ecdsa.PrivateKey, h crypto.Hash) []byte {
		sig, err := ecdsa.SignASN1(rand.Reader, k, sum(h, data))
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	cases := []struct {
		name string
		key  *ecdsa.PrivateKey
		hash crypto.Hash
		ok   bool
	}{
		{"P-256 SHA-256", p256, crypto.SHA256, true},
		{"P-256 SHA-384", p256, crypto.SHA384, false},
		{"P-384 SHA-256", p384, crypto.SHA256, true},
		{"P-384 SHA-384", p384, crypto.SHA384, true},
		{"P-384 SHA-512", p384, crypto.SHA512, false},
	}
	for _, c := range cases {
		if err := verifyBytes(c.key.Public(), data, signWith(c.key, c.hash)); (err == nil) != c.ok {
			t.Errorf("%s: verify error %v, want accepted=%v", c.name, err, c.ok)
		}
	}
	ours, err := signBytes(p384, data)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(&p384.PublicKey, sum(crypto.SHA256, data), ours) {
		t.Error("signBytes with a P-384 key did not sign the SHA-256 of the data")
	}
}
