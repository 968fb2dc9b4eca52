package sign

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// PasswordEnv is the environment variable cosign reads a key's password
// from; nomia reads the same one so scripts work with both tools.
const PasswordEnv = "COSIGN_PASSWORD"

// PasswordFromEnv is the password in $COSIGN_PASSWORD, and whether it is set
// at all (set but empty means an unencrypted-in-effect key, as in cosign).
func PasswordFromEnv() (password []byte, ok bool) {
	v, ok := os.LookupEnv(PasswordEnv)
	return []byte(v), ok
}

// ReadPassword is the password for a private key, as cosign gets it:
// $COSIGN_PASSWORD when set, else typed on the terminal in without echo
// (prompts go to out), twice when confirm is set, for a new key. Without
// the variable and without a terminal it fails rather than block.
func ReadPassword(in *os.File, out io.Writer, confirm bool) ([]byte, error) {
	if pw, ok := PasswordFromEnv(); ok {
		return pw, nil
	}
	fd := int(in.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("no key password: set %s (empty for none) or run on a terminal", PasswordEnv)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return nil, fmt.Errorf("turning off terminal echo: %v", err)
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)

	pw, err := promptLine(in, out, "Enter password for private key: ")
	if err != nil || !confirm {
		return pw, err
	}
	again, err := promptLine(in, out, "Enter password for private key again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pw, again) {
		return nil, errors.New("the two passwords differ: run the command again")
	}
	return pw, nil
}

// promptLine writes prompt and reads one line from in, byte by byte so no
// input past the newline is consumed.
func promptLine(in io.Reader, out io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(out, prompt)
	defer fmt.Fprintln(out)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := in.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return bytes.TrimSuffix(line, []byte("\r")), nil
			}
			line = append(line, b[0])
		}
		if err == io.EOF && len(line) > 0 {
			return line, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the password: %v", err)
		}
	}
}
