package sign

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// The password envelope of cosign's private keys is go-securesystemslib's
// "encrypted" format: a JSON object naming the KDF (scrypt, with its
// parameters and salt) and the cipher (nacl/secretbox, with its nonce),
// and the ciphertext. []byte fields are standard base64, as encoding/json
// writes them, so the same struct reads and writes the format.
type envelope struct {
	KDF        envelopeKDF    `json:"kdf"`
	Cipher     envelopeCipher `json:"cipher"`
	Ciphertext []byte         `json:"ciphertext"`
}

type envelopeKDF struct {
	Name   string       `json:"name"`
	Params scryptParams `json:"params"`
	Salt   []byte       `json:"salt"`
}

type scryptParams struct {
	N int `json:"N"`
	R int `json:"r"`
	P int `json:"p"`
}

type envelopeCipher struct {
	Name  string `json:"name"`
	Nonce []byte `json:"nonce"`
}

const (
	kdfScrypt     = "scrypt"
	cipherBox     = "nacl/secretbox"
	envelopeSalt  = 32
	envelopeKey   = 32
	envelopeNonce = 24
)

// knownScrypt lists the parameter sets go-securesystemslib writes (legacy,
// standard, OWASP). Decryption refuses any other set, as it does, so a file
// cannot make scrypt allocate gigabytes; sealing uses the standard set,
// which current cosign writes.
var knownScrypt = []scryptParams{
	{N: 1 << 15, R: 8, P: 1},
	{N: 1 << 16, R: 8, P: 1},
	{N: 1 << 17, R: 8, P: 1},
}

// seal encrypts plaintext under password in a fresh envelope.
func seal(plaintext, password []byte) ([]byte, error) {
	env := envelope{
		KDF:    envelopeKDF{Name: kdfScrypt, Params: knownScrypt[1], Salt: make([]byte, envelopeSalt)},
		Cipher: envelopeCipher{Name: cipherBox, Nonce: make([]byte, envelopeNonce)},
	}
	if _, err := rand.Read(env.KDF.Salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(env.Cipher.Nonce); err != nil {
		return nil, err
	}
	key, err := env.KDF.key(password)
	if err != nil {
		return nil, err
	}
	env.Ciphertext = secretbox.Seal(nil, plaintext, (*[envelopeNonce]byte)(env.Cipher.Nonce), key)
	return json.Marshal(env)
}

// errWrongPassword is what a failed secretbox authentication means for a
// well-formed envelope.
var errWrongPassword = errors.New("wrong password (or the key file is corrupt)")

// open decrypts an envelope written by seal, cosign or go-securesystemslib.
func open(data, password []byte) ([]byte, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("encrypted key is not the scrypt/secretbox JSON envelope: %v", err)
	}
	if env.KDF.Name != kdfScrypt || env.Cipher.Name != cipherBox {
		return nil, fmt.Errorf("encrypted key uses %s/%s, want %s/%s", env.KDF.Name, env.Cipher.Name, kdfScrypt, cipherBox)
	}
	if !knownParams(env.KDF.Params) {
		return nil, fmt.Errorf("encrypted key has unsupported scrypt parameters N=%d r=%d p=%d", env.KDF.Params.N, env.KDF.Params.R, env.KDF.Params.P)
	}
	if len(env.Cipher.Nonce) != envelopeNonce {
		return nil, fmt.Errorf("encrypted key has a %d-byte nonce, want %d", len(env.Cipher.Nonce), envelopeNonce)
	}
	key, err := env.KDF.key(password)
	if err != nil {
		return nil, err
	}
	plain, ok := secretbox.Open(nil, env.Ciphertext, (*[envelopeNonce]byte)(env.Cipher.Nonce), key)
	if !ok {
		return nil, errWrongPassword
	}
	return plain, nil
}

func knownParams(p scryptParams) bool {
	for _, k := range knownScrypt {
		if p == k {
			return true
		}
	}
	return false
}

// key derives the secretbox key from password.
func (k envelopeKDF) key(password []byte) (*[envelopeKey]byte, error) {
	b, err := scrypt.Key(password, k.Salt, k.Params.N, k.Params.R, k.Params.P, envelopeKey)
	if err != nil {
		return nil, fmt.Errorf("deriving the key from the password: %v", err)
	}
	return (*[envelopeKey]byte)(b), nil
}
