package servertest_test

import (
	"fmt"
	"testing"

	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// ExampleNew shows the shape of a test against a real server.
func ExampleNew() {
	test := func(t *testing.T) {
		ts := servertest.New(t, server.Config{})
		list, err := ts.Client.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(len(list), "programs at", ts.URL)
	}
	_ = test
}
