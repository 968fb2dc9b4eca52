package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// TestLoginPushPull runs against a registry with htpasswd authentication: a
// push without login fails with one line that names the registry and hints
// nomia login; login --password-stdin stores the credentials in docker's
// config.json; push and pull then work; logout forgets them.
func TestLoginPushPull(t *testing.T) {
	c := newCLI(t)
	pkgPath, _ := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	ref := srv.Host + "/tools/getppid:v1"

	_, errOut, ok := c.run("", "push", ref, pkgPath)
	if ok || !strings.Contains(errOut, "registry "+srv.Host) || !strings.Contains(errOut, "nomia login "+srv.Host) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("push before login: ok %v, %q", ok, errOut)
	}
	_, errOut, ok = c.run("wrong\n", "login", srv.Host, "-u", "me", "--password-stdin")
	if ok || !strings.Contains(errOut, `refused user "me"`) {
		t.Errorf("login with a wrong password: ok %v, %q", ok, errOut)
	}
	if _, errOut, ok = c.run("s3cret\n", "login", srv.Host, "-u", "me", "--password-stdin"); !ok {
		t.Fatalf("login: %s", errOut)
	}
	config, err := os.ReadFile(filepath.Join(c.dockerConfig(), "config.json"))
	if err != nil || !strings.Contains(string(config), srv.Host) {
		t.Errorf("docker config after login: %q, %v", config, err)
	}
	c.must("push", ref, pkgPath)
	c.must("pull", "--cache-dir", c.cacheDir, ref)

	c.must("logout", srv.Host)
	_, errOut, ok = c.run("", "pull", "--cache-dir", t.TempDir(), ref)
	if ok || !strings.Contains(errOut, "nomia login") {
		t.Errorf("pull after logout: ok %v, %q", ok, errOut)
	}
	for _, args := range [][]string{
		{"login", srv.Host, "--password-stdin"},
		{"login", srv.Host, "-u", "me"},
	} {
		if _, errOut, ok := c.run("x\n", args...); ok || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "login "+srv.Host) {
			t.Errorf("%q: ok %v, %q", args, ok, errOut)
		}
	}
}
