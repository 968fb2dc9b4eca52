package registry

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"oras.land/oras-go/v2/registry/remote/credentials"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/registry/registrytest"
)

// testPackage builds testdata/getppid.bpf.c, a one-tracepoint package.
func testPackage(t *testing.T) []byte {
	t.Helper()
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: the registry tests push a package built from testdata", tool)
		}
	}
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/getppid.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testClient keeps credentials in a file of the test's own, never the user's
// docker config.
func testClient(t *testing.T) *Client {
	t.Helper()
	creds, err := credentials.NewStore(filepath.Join(t.TempDir(), "config.json"), credentials.StoreOptions{AllowPlaintextPut: true})
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Credentials: creds}
}

func testStore(t *testing.T) *cache.Store {
	t.Helper()
	s, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pushed starts a plain registry, pushes the test package to it as
// tools/getppid:v1 and returns what the test needs.
func pushed(t *testing.T) (srv *registrytest.Server, c *Client, ref string, data []byte) {
	t.Helper()
	data = testPackage(t)
	srv = registrytest.Start(t, registrytest.Options{})
	c = testClient(t)
	ref = srv.Host + "/tools/getppid:v1"
	if _, err := c.Push(context.Background(), ref, data); err != nil {
		t.Fatal(err)
	}
	return srv, c, ref, data
}
