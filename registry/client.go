package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/errcode"
	"oras.land/oras-go/v2/registry/remote/retry"
)

// Client talks to registries. The zero value uses docker's credentials, HTTPS
// except on loopback, and shows no progress.
type Client struct {
	// Insecure allows plain HTTP to any registry, not only loopback ones.
	Insecure bool
	// Credentials are where logins are read from and written to; nil means
	// docker's config.json ($DOCKER_CONFIG or ~/.docker).
	Credentials credentials.Store
	// Progress, when set, receives a progress bar for every large blob.
	Progress io.Writer
	// HTTP is the transport; nil means a retrying default client.
	HTTP *http.Client
}

func (c *Client) credentials() (credentials.Store, error) {
	if c.Credentials != nil {
		return c.Credentials, nil
	}
	s, err := credentials.NewStoreFromDocker(credentials.StoreOptions{AllowPlaintextPut: true, DetectDefaultNativeStore: true})
	if err != nil {
		return nil, fmt.Errorf("docker credentials: %v (check $DOCKER_CONFIG or ~/.docker/config.json)", err)
	}
	return s, nil
}

func (c *Client) authClient() (*auth.Client, error) {
	creds, err := c.credentials()
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = retry.DefaultClient
	}
	return &auth.Client{
		Client:     hc,
		Cache:      auth.NewCache(),
		Credential: credentials.Credential(creds),
		Header:     http.Header{"User-Agent": {"nomia"}},
	}, nil
}

func (c *Client) plainHTTP(host string) bool { return c.Insecure || isLoopback(host) }

// repository connects to the repository ref names.
func (c *Client) repository(ref registry.Reference) (*remote.Repository, error) {
	ac, err := c.authClient()
	if err != nil {
		return nil, err
	}
	return &remote.Repository{
		Client:    ac,
		Reference: ref,
		PlainHTTP: c.plainHTTP(ref.Registry),
	}, nil
}

// explain turns a registry error into one line that names the registry and
// what to do about it.
func explain(what string, ref registry.Reference, err error) error {
	if err == nil {
		return nil
	}
	host := ref.Registry
	var resp *errcode.ErrorResponse
	var netErr *net.OpError
	if msg, ok := missingHelper(host, err); ok {
		return fmt.Errorf("%s %s: %s", what, ref, msg)
	}
	if _, cause, ok := strings.Cut(err.Error(), "failed to resolve credential: "); ok {
		return fmt.Errorf("%s %s: docker's credential store failed for registry %s: %s (check credsStore and credHelpers in docker's config.json)", what, ref, host, oneLine(cause))
	}
	switch {
	case errors.Is(err, auth.ErrBasicCredentialNotFound):
		return fmt.Errorf("%s %s: registry %s wants a login (run: nomia login %s)", what, ref, host, host)
	case errors.As(err, &resp) && resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s %s: registry %s refused the credentials (run: nomia login %s)", what, ref, host, host)
	case errors.As(err, &resp) && resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s %s: registry %s denied access to %s (check the repository name, or log in as a user allowed to: nomia login %s)", what, ref, host, ref.Repository, host)
	case errors.Is(err, errdef.ErrNotFound) || errors.As(err, &resp) && resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s %s: not found in registry %s (check the name and tag)", what, ref, host)
	case errors.As(err, &netErr):
		return fmt.Errorf("%s %s: cannot reach registry %s: %v (is it running? use --pull never to run from the cache)", what, ref, host, netErr.Err)
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("%s %s: registry %s speaks plain HTTP (pass --insecure to allow it)", what, ref, host)
	}
	return fmt.Errorf("%s %s: %s", what, ref, oneLine(err.Error()))
}

// missingHelper explains a credential helper that config.json names but
// PATH lacks, which oras-go reports as a bare exec error.
func missingHelper(host string, err error) (string, bool) {
	var execErr *exec.Error
	if !errors.As(err, &execErr) || !strings.HasPrefix(execErr.Name, "docker-credential-") {
		return "", false
	}
	return fmt.Sprintf("credential helper %s for registry %s is not installed (install it, or remove it from credsStore or credHelpers in docker's config.json)", execErr.Name, host), true
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Login checks user and password against the registry at host and stores
// them in the credential store for later pushes and pulls.
func (c *Client) Login(ctx context.Context, host, user, password string) error {
	reg, err := remote.NewRegistry(host)
	if err != nil {
		return fmt.Errorf("login %s: %q is not a registry host (e.g. localhost:5000 or ghcr.io)", host, host)
	}
	reg.PlainHTTP = c.plainHTTP(host)
	hc := c.HTTP
	if hc == nil {
		hc = retry.DefaultClient
	}
	reg.Client = &auth.Client{Client: hc, Header: http.Header{"User-Agent": {"nomia"}}}
	creds, err := c.credentials()
	if err != nil {
		return err
	}
	err = credentials.Login(ctx, creds, reg, auth.Credential{Username: user, Password: password})
	var resp *errcode.ErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.As(err, &resp) && resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("login %s: the registry refused user %q (check the user name and password)", host, user)
	}
	return explain("login", registry.Reference{Registry: host}, err)
}

// Logout removes the stored credentials of host.
func (c *Client) Logout(ctx context.Context, host string) error {
	creds, err := c.credentials()
	if err != nil {
		return err
	}
	if err := credentials.Logout(ctx, creds, host); err != nil {
		// A helper that holds nothing for host says so; the file store
		// says nothing. Either way there is nothing left to forget.
		if strings.HasSuffix(err.Error(), "credentials not found in native keychain") {
			return nil
		}
		if msg, ok := missingHelper(host, err); ok {
			return fmt.Errorf("logout %s: %s", host, msg)
		}
		return fmt.Errorf("logout %s: %s", host, oneLine(err.Error()))
	}
	return nil
}
