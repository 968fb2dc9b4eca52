package server_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/server"
)

// Example serves the API on a loopback port, as `nomia serve` does, and asks
// it for its health through the Go client.
func Example() {
	dir, err := os.MkdirTemp("", "nomia-state-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := server.New(server.Config{StateDir: dir, Log: log.New(os.Stderr, "", 0)})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close() // detaches every program; the state dir keeps them
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go srv.Serve(ctx, ln, "", "")

	c := client.New("http://"+ln.Addr().String(), srv.Token())
	h, err := c.Health(ctx)
	if err != nil {
		log.Fatal(err)
	}
	list, err := c.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Status, len(list), "programs")
	// Output: ok 0 programs
}
