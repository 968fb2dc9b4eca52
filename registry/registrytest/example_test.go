package registrytest_test

import (
	"fmt"
	"net/http"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// exampleTest is how a test uses a registry of its own; Start stops it at the
// test's cleanup.
func exampleTest(t *testing.T) {
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "secret"})
	resp, err := http.Get("http://" + srv.Host + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode) // 401: the registry wants a login
}

func Example() {
	_ = exampleTest // run as a test, as TestStartServes does
	fmt.Println("registry on", "127.0.0.1:PORT")
	// Output: registry on 127.0.0.1:PORT
}

func TestStartServes(t *testing.T) {
	srv := registrytest.Start(t, registrytest.Options{User: "me", Password: "secret"})
	resp, err := http.Get("http://" + srv.Host + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /v2/ without credentials: %d, want 401", resp.StatusCode)
	}
	srv.Stop()
	if _, err := http.Get("http://" + srv.Host + "/v2/"); err == nil {
		t.Error("the registry still answers after Stop")
	}
}
