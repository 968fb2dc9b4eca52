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
	ctx := context.Background()
	data := testPackage(t)
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	h := registrytest.NewCredentialHelper(t, "nomiatest")
	t.Setenv("PATH", h.SearchPath())
	docker := t.TempDir()
	t.Setenv("DOCKER_CONFIG", docker)
	config := filepath.Join(docker, "config.json")
	if err := os.WriteFile(config, []byte(`{"credsStore": "nomiatest"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var c Client
	ref := srv.Host + "/tools/getppid:v1"

	if err := c.Login(ctx, srv.Host, "me", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if user, secret, ok := h.Get(t, srv.Host); !ok || user != "me" || secret != "s3cret" {
		t.Errorf("helper holds %q %q (%v), want me s3cret", user, secret, ok)
	}
	if got, err := os.ReadFile(config); err != nil || strings.Contains(string(got), "s3cret") {
		t.Errorf("config.json after login: %q, %v: want no secret", got, err)
	}
	if _, err := c.Push(ctx, ref, data); err != nil {
		t.Fatalf("push after login: %v", err)
	}
	if _, err := c.Pull(ctx, ref, testStore(t), PullAlways); err != nil {
		t.Fatalf("pull after login: %v", err)
	}
	if err := c.Logout(ctx, srv.Host); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := h.Get(t, srv.Host); ok {
		t.Error("the helper still holds the credentials after Logout")
	}
	if _, err := c.Pull(ctx, ref, testStore(t), PullAlways); err == nil || !strings.Contains(err.Error(), "nomia login "+srv.Host) {
		t.Errorf("pull after logout: %v", err)
	}
}
