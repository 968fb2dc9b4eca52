package main

import (
	"crypto"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/sign"
)

func newKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Make key pairs for signing artifacts (push --sign, run --verify)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("key: name a subcommand: usage: nomia key generate [--output-key-prefix cosign]")
		},
	}
	cmd.AddCommand(newKeyGenerateCmd())
	return cmd
}

func newKeyGenerateCmd() *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a new cosign key pair: PREFIX.key (private, encrypted) and PREFIX.pub",
		Long: `Write a new ECDSA P-256 key pair in cosign's format, the same files cosign
generate-key-pair writes: PREFIX.key, the private key encrypted with a password
(mode 0600), and PREFIX.pub, the public key to give to whoever verifies. The
password comes from $COSIGN_PASSWORD (empty for none), else it is asked twice on
the terminal. Existing files are never overwritten.

  nomia key generate
  nomia push --sign cosign.key localhost:5000/tools/opensnoop:v1 package.json
  nomia run --verify cosign.pub localhost:5000/tools/opensnoop:v1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			priv, pub := prefix+".key", prefix+".pub"
			// Checked before the password is asked for; GenerateKeyFiles
			// checks again and creates the files exclusively.
			for _, p := range []string{priv, pub} {
				if _, err := os.Lstat(p); err == nil {
					return fmt.Errorf("key generate: %s already exists: remove it or pass --output-key-prefix", p)
				}
			}
			password, err := keyPassword(cmd, true)
			if err != nil {
				return fmt.Errorf("key generate: %v", err)
			}
			if err := sign.GenerateKeyFiles(priv, pub, password); err != nil {
				return fmt.Errorf("key generate: %v", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Private key written to %s\nPublic key written to %s\n", priv, pub)
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "output-key-prefix", "cosign", "write PREFIX.key and PREFIX.pub")
	return cmd
}

// readSigningKey opens the private key at path for signing, or returns nil
// when no key is named.
func readSigningKey(cmd *cobra.Command, path string) (crypto.Signer, error) {
	if path == "" {
		return nil, nil
	}
	password, err := keyPassword(cmd, false)
	if err != nil {
		return nil, fmt.Errorf("%s --sign %s: %v", cmd.Name(), path, err)
	}
	key, err := sign.ReadPrivateKeyFile(path, password)
	if err != nil {
		return nil, fmt.Errorf("%s --sign: %v", cmd.Name(), err)
	}
	return key, nil
}

// keyPassword is a private key's password as cosign gets it: from
// $COSIGN_PASSWORD, else typed on the command's input when that is a
// terminal (twice with confirm).
func keyPassword(cmd *cobra.Command, confirm bool) ([]byte, error) {
	in, ok := cmd.InOrStdin().(*os.File)
	if !ok {
		if pw, set := sign.PasswordFromEnv(); set {
			return pw, nil
		}
		return nil, fmt.Errorf("no key password: set %s (empty for none) or run on a terminal", sign.PasswordEnv)
	}
	return sign.ReadPassword(in, cmd.ErrOrStderr(), confirm)
}
