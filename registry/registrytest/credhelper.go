package registrytest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CredentialHelper is a docker credential helper, docker-credential-NAME, for
// tests of config.json's credsStore and credHelpers. It speaks the real
// protocol (store, get, erase, list over stdin and stdout) as the separate
// executable docker and oras-go run, so a test exercises the same path a
// user's pass or secretservice helper takes. It keeps each server's
// credentials as the JSON it was given, in a directory of the test's own, and
// logs every call.
type CredentialHelper struct {
	// Name is the helper's suffix: what config.json's credsStore and
	// credHelpers name.
	Name string
	// Dir holds the executable; the helper is found once Dir is first on PATH.
	Dir string

	data, log string
}

// notFound is the protocol's answer to get or erase of an unknown server;
// clients match it verbatim.
const notFound = "credentials not found in native keychain"

// helperScript implements the protocol in POSIX sh. Servers become file names
// with / and : replaced, which is unambiguous enough for loopback registries.
const helperScript = `#!/bin/sh
data=%s
log=%s
key() { printf '%%s' "$1" | tr '/:' '__'; }
if [ -f "$data/.fail" ]; then
	echo "$1 failed" >>"$log"
	cat "$data/.fail"
	exit 1
fi
case "$1" in
store)
	in=$(cat)
	url=$(printf '%%s' "$in" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
	echo "store $url" >>"$log"
	[ -n "$url" ] || { echo "store: no ServerURL"; exit 1; }
	printf '%%s' "$in" >"$data/$(key "$url")"
	;;
get|erase)
	url=$(cat)
	echo "$1 $url" >>"$log"
	f="$data/$(key "$url")"
	[ -f "$f" ] || { echo "%s"; exit 1; }
	if [ "$1" = get ]; then cat "$f"; else rm -f "$f"; fi
	;;
list)
	echo list >>"$log"
	printf '{'
	sep=
	for f in "$data"/*; do
		[ -f "$f" ] || continue
		url=$(sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p' "$f")
		user=$(sed -n 's/.*"Username":"\([^"]*\)".*/\1/p' "$f")
		printf '%%s"%%s":"%%s"' "$sep" "$url" "$user"
		sep=,
	done
	echo '}'
	;;
*)
	echo "unknown action $1"
	exit 1
	;;
esac
`

// NewCredentialHelper writes docker-credential-NAME into a directory of the
// test's own. It does not change PATH: in-process tests set PATH to
// SearchPath with t.Setenv, tests of a command pass it in its environment.
func NewCredentialHelper(t testing.TB, name string) *CredentialHelper {
	t.Helper()
	dir := t.TempDir()
	h := &CredentialHelper{Name: name, Dir: filepath.Join(dir, "bin"), data: filepath.Join(dir, "data"), log: filepath.Join(dir, "calls.log")}
	for _, d := range []string{h.Dir, h.data} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	script := fmt.Sprintf(helperScript, shellQuote(h.data), shellQuote(h.log), notFound)
	if err := os.WriteFile(filepath.Join(h.Dir, "docker-credential-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return h
}

// SearchPath is Dir:$PATH, the PATH under which the helper is found first.
func (h *CredentialHelper) SearchPath() string {
	return h.Dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// helperCredential is one stored entry, in the protocol's JSON.
type helperCredential struct {
	ServerURL, Username, Secret string
}

func (h *CredentialHelper) file(server string) string {
	return filepath.Join(h.data, strings.NewReplacer("/", "_", ":", "_").Replace(server))
}

// Put stores credentials for server directly, as a user's earlier
// `docker login` would have.
func (h *CredentialHelper) Put(t testing.TB, server, user, secret string) {
	t.Helper()
	data, err := json.Marshal(helperCredential{server, user, secret})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.file(server), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Get returns what the helper holds for server; ok is false when it holds
// nothing.
func (h *CredentialHelper) Get(t testing.TB, server string) (user, secret string, ok bool) {
	t.Helper()
	data, err := os.ReadFile(h.file(server))
	if os.IsNotExist(err) {
		return "", "", false
	}
	var c helperCredential
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil {
		t.Fatalf("credential helper %s: entry of %s: %v", h.Name, server, err)
	}
	return c.Username, c.Secret, true
}

// Fail makes every later call fail with message on stdout, as a locked
// keychain or an uninitialised pass store does.
func (h *CredentialHelper) Fail(t testing.TB, message string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(h.data, ".fail"), []byte(message+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Calls lists the calls made so far, one "ACTION SERVER" (or "list", or
// "ACTION failed" under Fail) each, oldest first.
func (h *CredentialHelper) Calls() []string {
	data, _ := os.ReadFile(h.log)
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// shellQuote quotes s for sh as one word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
