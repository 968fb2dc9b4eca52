package registry

import (
	"context"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// TestLogin runs against a registry with htpasswd authentication: pushing
// before login fails with a one-line hint, a wrong password is refused, and
// after login push and pull work; logout forgets the credentials again.
func TestLogin(t *testing.T) {
	ctx := context.Background()
	data := testPackage(t)
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "s3cret"})
	c := testClient(t)
	ref := srv.Host + "/tools/getppid:v1"

	_, err := c.Push(ctx, ref, data)
	if err == nil {
		t.Fatal("push without credentials succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "registry "+srv.Host) || !strings.Contains(msg, "nomia login "+srv.Host) || strings.Contains(msg, "\n") {
		t.Errorf("unauthenticated push: %q: want one line naming the registry and hinting nomia login", msg)
	}

	err = c.Login(ctx, srv.Host, "me", "wrong")
	if err == nil || !strings.Contains(err.Error(), `refused user "me"`) {
		t.Errorf("login with a wrong password: %v", err)
	}
	if err := c.Login(ctx, srv.Host, "me", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if cred, err := c.Credentials.Get(ctx, srv.Host); err != nil || cred.Username != "me" || cred.Password != "s3cret" {
		t.Errorf("stored credential %+v, %v", cred, err)
	}
	pushPullLogout(t, c, ref, data)
}

// pushPullLogout checks what a login allows: push and pull of ref, and,
// after Logout, a pull refused with the hint to log in again.
func pushPullLogout(t *testing.T, c *Client, ref string, data []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Push(ctx, ref, data); err != nil {
		t.Fatalf("push after login: %v", err)
	}
	if _, err := c.Pull(ctx, ref, testStore(t), PullAlways); err != nil {
		t.Fatalf("pull after login: %v", err)
	}
	host, _, _ := strings.Cut(ref, "/")
	if err := c.Logout(ctx, host); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Pull(ctx, ref, testStore(t), PullAlways); err == nil || !strings.Contains(err.Error(), "nomia login "+host) {
		t.Errorf("pull after logout: %v", err)
	}
}
