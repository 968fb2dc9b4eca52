package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// withHelper gives c a docker config.json holding config and puts a
// credential helper named nomiatest first on its PATH.
func (c *cli) withHelper(config string) *registrytest.CredentialHelper {
	c.t.Helper()
	h := registrytest.NewCredentialHelper(c.t, "nomiatest")
	c.env = append(c.env, "PATH="+h.SearchPath())
	if err := os.WriteFile(c.configPath(), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return h
}

func (c *cli) configPath() string { return filepath.Join(c.dockerConfig(), "config.json") }

// TestLoginCredsStore configures "credsStore": login stores the password
// through the helper and config.json never holds it; push and pull find it
// there; logout erases it from the helper, after which pulls want a login,
// and a second logout succeeds.
func TestLoginCredsStore(t *testing.T) {
	c := newCLI(t)
	pkgPath, _ := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	h := c.withHelper(`{"credsStore": "nomiatest"}`)
	ref := srv.Host + "/tools/getppid:v1"

	if _, errOut, ok := c.run("s3cret\n", "login", srv.Host, "-u", "me", "--password-stdin"); !ok {
		t.Fatalf("login: %s", errOut)
	}
	if user, secret, ok := h.Get(t, srv.Host); !ok || user != "me" || secret != "s3cret" {
		t.Errorf("helper holds %q %q (%v) for %s, want me s3cret", user, secret, ok, srv.Host)
	}
	config, err := os.ReadFile(c.configPath())
	if err != nil || strings.Contains(string(config), "s3cret") || strings.Contains(string(config), "czNjcmV0") || !strings.Contains(string(config), `"credsStore": "nomiatest"`) {
		t.Errorf("config.json after login: %q, %v: want credsStore kept and no secret, plain or base64", config, err)
	}
	c.must("push", "-q", ref, pkgPath)
	c.must("pull", "-q", "--cache-dir", c.cacheDir, ref)
	if calls := h.Calls(); !slices.Contains(calls, "store "+srv.Host) || !slices.Contains(calls, "get "+srv.Host) {
		t.Errorf("helper calls %q: want store and get of %s", calls, srv.Host)
	}

	c.must("logout", srv.Host)
	if _, _, ok := h.Get(t, srv.Host); ok || !slices.Contains(h.Calls(), "erase "+srv.Host) {
		t.Errorf("after logout the helper still holds %s (calls %q)", srv.Host, h.Calls())
	}
	// As with credentials in config.json, logging out twice is no error.
	c.must("logout", srv.Host)
	_, errOut, ok := c.run("", "pull", "--cache-dir", t.TempDir(), ref)
	if ok || !strings.Contains(errOut, "nomia login "+srv.Host) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("pull after logout: ok %v, %q", ok, errOut)
	}
}

// TestCredHelperPerRegistry configures "credHelpers" for one registry only,
// next to a plain auths entry for another: each pull takes its credentials
// from where config.json says, and the helper is asked only about its own
// registry.
func TestCredHelperPerRegistry(t *testing.T) {
	c := newCLI(t)
	pkgPath, data := c.buildTestPackage()
	helped := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	plain := registrytest.Start(t, registrytest.Options{User: "you", Password: "pa55"})
	// "eW91OnBhNTU=" is base64("you:pa55"), docker's auths encoding.
	h := c.withHelper(`{"credHelpers": {"` + helped.Host + `": "nomiatest"}, "auths": {"` + plain.Host + `": {"auth": "eW91OnBhNTU="}}}`)
	h.Put(t, helped.Host, "me", "s3cret")

	for _, srv := range []*registrytest.Server{helped, plain} {
		ref := srv.Host + "/tools/getppid:v1"
		c.must("push", "-q", ref, pkgPath)
		if got := c.must("pull", "-q", "--cache-dir", t.TempDir(), ref, "-o", "-"); got != string(data) {
			t.Errorf("pull %s: %d bytes differ from the %d pushed", ref, len(got), len(data))
		}
	}
	for _, call := range h.Calls() {
		if call != "get "+helped.Host {
			t.Errorf("helper call %q: want only gets of %s", call, helped.Host)
		}
	}
	if len(h.Calls()) == 0 {
		t.Errorf("the helper was never asked for %s", helped.Host)
	}
}

// TestCredHelperMissing names helpers that are not installed: pull (through
// credHelpers), login and logout (through credsStore) each fail with one line
// that names the helper and the registry.
func TestCredHelperMissing(t *testing.T) {
	c := newCLI(t)
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	for _, tc := range []struct {
		config, stdin string
		args          []string
	}{
		{`{"credHelpers": {"` + srv.Host + `": "nomia-absent"}}`, "", []string{"pull", "--cache-dir", t.TempDir(), srv.Host + "/tools/getppid:v1"}},
		{`{"credsStore": "nomia-absent"}`, "s3cret\n", []string{"login", srv.Host, "-u", "me", "--password-stdin"}},
		{`{"credsStore": "nomia-absent"}`, "", []string{"logout", srv.Host}},
	} {
		c.withHelper(tc.config)
		_, errOut, ok := c.run(tc.stdin, tc.args...)
		if ok || !strings.Contains(errOut, "credential helper docker-credential-nomia-absent for registry "+srv.Host+" is not installed") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s with a missing credential helper: ok %v, %q", tc.args[0], ok, errOut)
		}
	}
}

// TestCredHelperFails makes the helper fail, as a locked keychain does: the
// pull fails with one line naming the registry and the helper's own words.
func TestCredHelperFails(t *testing.T) {
	c := newCLI(t)
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	h := c.withHelper(`{"credHelpers": {"` + srv.Host + `": "nomiatest"}}`)
	h.Fail(t, "keychain locked")
	_, errOut, ok := c.run("", "pull", "--cache-dir", t.TempDir(), srv.Host+"/tools/getppid:v1")
	if ok || !strings.Contains(errOut, "credential store failed for registry "+srv.Host+": keychain locked") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("pull with a failing credential helper: ok %v, %q", ok, errOut)
	}
	if calls := h.Calls(); !slices.Contains(calls, "get failed") {
		t.Errorf("helper calls %q: want a failed get", calls)
	}
}
