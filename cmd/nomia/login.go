package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newLoginCmd() *cobra.Command {
	var df distFlags
	var user, password string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "login HOST",
		Short: "Log in to an OCI registry",
		Long: `Check a user name and password against a registry and store them in docker's
config.json (its credential helper or credsStore when one is configured), where
push, pull and run find them. Prefer --password-stdin to keep the password out of
the shell history and the process list.`,
		Args: oneSource("HOST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			host := args[0]
			if user == "" {
				return fmt.Errorf("login %s: no user name: pass -u USER", host)
			}
			if passwordStdin == (password != "") {
				return fmt.Errorf("login %s: give the password with --password-stdin or -p (exactly one)", host)
			}
			if passwordStdin {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && line == "" {
					return fmt.Errorf("login %s: no password on standard input", host)
				}
				password = strings.TrimRight(line, "\r\n")
			}
			if err := df.client(nil).Login(cmd.Context(), host, user, password); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nomia: logged in to %s as %s\n", host, user)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&user, "username", "u", "", "user name")
	fs.StringVarP(&password, "password", "p", "", "password (visible to other users of this machine; prefer --password-stdin)")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.BoolVar(&df.insecure, "insecure", false, "allow plain HTTP to a registry that is not on loopback")
	return cmd
}

func newLogoutCmd() *cobra.Command {
	var df distFlags
	return &cobra.Command{
		Use:   "logout HOST",
		Short: "Forget the stored credentials of an OCI registry",
		Args:  oneSource("HOST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return df.client(nil).Logout(cmd.Context(), args[0])
		},
	}
}
