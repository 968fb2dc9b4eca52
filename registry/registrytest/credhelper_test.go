package registrytest_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// TestCredentialHelperProtocol drives the helper as docker would: store, get,
// list, erase, the protocol's exact not-found answer afterwards, and Fail.
func TestCredentialHelperProtocol(t *testing.T) {
	h := registrytest.NewCredentialHelper(t, "nomiatest")
	call := func(action, stdin string) (string, bool) {
		cmd := exec.Command(filepath.Join(h.Dir, "docker-credential-nomiatest"), action)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err == nil
	}
	entry := `{"ServerURL":"127.0.0.1:5000","Username":"me","Secret":"s3cret"}`
	if out, ok := call("store", entry); !ok {
		t.Fatalf("store: %q", out)
	}
	if user, secret, ok := h.Get(t, "127.0.0.1:5000"); !ok || user != "me" || secret != "s3cret" {
		t.Errorf("Get after store: %q %q %v", user, secret, ok)
	}
	if out, ok := call("get", "127.0.0.1:5000"); !ok || out != entry {
		t.Errorf("get: %q, %v; want %s", out, ok, entry)
	}
	h.Put(t, "127.0.0.1:6000", "you", "pa55")
	if out, ok := call("list", ""); !ok || out != `{"127.0.0.1:5000":"me","127.0.0.1:6000":"you"}` {
		t.Errorf("list: %q, %v", out, ok)
	}
	if out, ok := call("erase", "127.0.0.1:5000"); !ok {
		t.Errorf("erase: %q", out)
	}
	if out, ok := call("get", "127.0.0.1:5000"); ok || out != "credentials not found in native keychain" {
		t.Errorf("get after erase: %q, %v", out, ok)
	}
	h.Fail(t, "keychain locked")
	if out, ok := call("get", "127.0.0.1:6000"); ok || out != "keychain locked" {
		t.Errorf("get under Fail: %q, %v", out, ok)
	}
	want := []string{"store 127.0.0.1:5000", "get 127.0.0.1:5000", "list", "erase 127.0.0.1:5000", "get 127.0.0.1:5000", "get failed"}
	if got := h.Calls(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Calls: %q, want %q", got, want)
	}
}
