package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
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
push, pull and run find them. Without -p or --password-stdin it asks on the
terminal. Prefer --password-stdin to -p, which shows the password in the shell
history and the process list.`,
		Args: oneSource("HOST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			host := args[0]
			if user == "" {
				return fmt.Errorf("login %s: no user name: pass -u USER", host)
			}
			if passwordStdin && password != "" {
				return fmt.Errorf("login %s: give the password with --password-stdin or -p, not both", host)
			}
			if !passwordStdin && password == "" {
				p, err := promptPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
				if err != nil {
					return fmt.Errorf("login %s: %v", host, err)
				}
				password = p
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

// promptPassword asks for the password on a terminal, with echo off. Off a
// terminal it refuses, since a script should say where its password comes from.
func promptPassword(in io.Reader, prompt io.Writer) (string, error) {
	f, ok := in.(*os.File)
	if !ok || !isTerminal(f) {
		return "", errors.New("no password: pass --password-stdin (or -p), or run on a terminal to be asked")
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return "", err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return "", err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	fmt.Fprint(prompt, "Password: ")
	line, err := bufio.NewReader(f).ReadString('\n')
	fmt.Fprintln(prompt)
	if err != nil && line == "" {
		return "", errors.New("no password given")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
