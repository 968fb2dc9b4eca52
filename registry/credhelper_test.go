package registry

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// TestDockerCredsStore uses the zero Client, which reads docker's config.json
// from $DOCKER_CONFIG: with "credsStore" set, Login stores through the helper
// and leaves the secret out of config.json, Push and Pull read it back
// through the helper, and Logout erases it there.
func TestDockerCredsStore(t *testing.T) {
	h := registrytest.NewCredentialHelper(t, "nomiatest")
	t.Setenv("PATH", h.SearchPath())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	config := filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json")
	if err := os.WriteFile(config, []byte(`{"credsStore": "nomiatest"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	data := testPackage(t)
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	var c Client

	if err := c.Login(context.Background(), srv.Host, "me", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if user, secret, ok := h.Get(t, srv.Host); !ok || user != "me" || secret != "s3cret" {
		t.Errorf("helper holds %q %q (%v), want me s3cret", user, secret, ok)
	}
	if got, err := os.ReadFile(config); err != nil || strings.Contains(string(got), "s3cret") {
		t.Errorf("config.json after login: %q, %v: want no secret", got, err)
	}
	pushPullLogout(t, &c, srv.Host+"/tools/getppid:v1", data)
	if _, _, ok := h.Get(t, srv.Host); ok {
		t.Error("the helper still holds the credentials after Logout")
	}
}
