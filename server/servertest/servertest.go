// Package servertest runs a nomia server on a loopback port for tests, as
// net/http/httptest does for handlers, with a client of it.
package servertest

import (
	"context"
	"errors"
	"log"
	"net"
	"strings"
	"sync"
	"testing"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
)

// Server is a server listening on 127.0.0.1 and a client holding its token.
type Server struct {
	*server.Server
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Client is a client of the server with its token.
	Client *client.Client

	stop func()
}

// New starts a server with cfg on a free loopback port; the test's cleanup
// stops it. Without a token, a state dir or NoAuth, the token is
// "test-token"; without a logger, the server logs to the test log.
func New(t testing.TB, cfg server.Config) *Server {
	t.Helper()
	if cfg.Token == "" && cfg.StateDir == "" && !cfg.NoAuth {
		cfg.Token = "test-token"
	}
	if cfg.Log == nil {
		cfg.Log = Log(t)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, "", "") }()
	url := "http://" + ln.Addr().String()
	ts := &Server{Server: s, URL: url, Client: client.New(url, s.Token())}
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("Serve: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			ts.Client.HTTP.CloseIdleConnections()
		})
	}
	t.Cleanup(ts.stop)
	return ts
}

// Stop stops serving and closes the server, detaching its programs (their
// records stay in the state dir). It is safe to call more than once.
func (s *Server) Stop() { s.stop() }

// RequireKernel skips the test unless it can load eBPF programs and build
// them: root, clang and bpftool.
func RequireKernel(t testing.TB) {
	t.Helper()
	bpftest.RequireKernel(t)
}

// Log returns a logger that writes to the test log.
func Log(t testing.TB) *log.Logger { return log.New(testWriter{t}, "", 0) }

type testWriter struct{ t testing.TB }

// Write logs one line of the server's log.
func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
