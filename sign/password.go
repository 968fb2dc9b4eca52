package sign

import "os"

// PasswordEnv is the environment variable cosign reads a key's password
// from; nomia reads the same one so scripts work with both tools.
const PasswordEnv = "COSIGN_PASSWORD"

// PasswordFromEnv is the password in $COSIGN_PASSWORD, and whether it is set
// at all (set but empty means an unencrypted-in-effect key, as in cosign).
// A CLI asks on the terminal when it is not set.
func PasswordFromEnv() (password []byte, ok bool) {
	v, ok := os.LookupEnv(PasswordEnv)
	return []byte(v), ok
}
