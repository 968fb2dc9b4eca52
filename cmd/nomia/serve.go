package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"nomia.dev/nomia/dashboard"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/source"
)

// DefaultStateDir is where `nomia serve` keeps its token and programs, and
// where `nomia remote` looks for the token.
const defaultStateDir = "/var/lib/nomia"

// serveFlags are the daemon's flags.
type serveFlags struct {
	listen, stateDir, token string
	tlsCert, tlsKey         string
	noAuth                  bool
	eventBuffer             int
	maxBody                 byteSize
}

func newServeCmd() *cobra.Command {
	var sf serveFlags
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run eBPF programs for API clients (REST, Server-Sent Events, Prometheus)",
		Long: `Serve the nomia API: clients start, inspect, stream and stop eBPF programs
over HTTP (see 'nomia remote', and GET /v1/openapi.json for the API).

Every call needs "Authorization: Bearer TOKEN". The token is generated into
STATE-DIR/token on first start (or given with --token / $NOMIA_TOKEN). Started
programs are recorded in STATE-DIR and started again after a restart; Ctrl-C
or SIGTERM detaches every program before exiting. Listen on loopback (the
default) unless the network between clients and the server is trusted, or use
--tls-cert and --tls-key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return serve(cmd, &sf) },
	}
	fs := cmd.Flags()
	fs.StringVar(&sf.listen, "listen", server.DefaultListen, "address to listen on (host:port)")
	fs.StringVar(&sf.stateDir, "state-dir", defaultStateDir, "directory for the token and the started programs")
	fs.StringVar(&sf.token, "token", os.Getenv("NOMIA_TOKEN"), "bearer token clients must send (default: $NOMIA_TOKEN, else generated into STATE-DIR/token)")
	fs.StringVar(&sf.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM); needs --tls-key")
	fs.StringVar(&sf.tlsKey, "tls-key", "", "private key (PEM) of --tls-cert")
	fs.BoolVar(&sf.noAuth, "no-auth", false, "serve without a token; refused unless --listen is a loopback address")
	fs.IntVar(&sf.eventBuffer, "event-buffer", 4096, "events each program keeps for streams to resume from")
	sf.maxBody = 64 << 20
	fs.Var(&sf.maxBody, "max-body", "largest request body (uploaded package) accepted, e.g. 64M")
	return cmd
}

func serve(cmd *cobra.Command, sf *serveFlags) error {
	if (sf.tlsCert == "") != (sf.tlsKey == "") {
		return fmt.Errorf("serve: --tls-cert and --tls-key go together: give both or neither")
	}
	if host, _, err := net.SplitHostPort(sf.listen); err != nil {
		return fmt.Errorf("serve: --listen %q: want host:port, e.g. %s", sf.listen, server.DefaultListen)
	} else if ip := net.ParseIP(host); sf.noAuth && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("serve: --no-auth with --listen %s: only loopback addresses may serve without a token", sf.listen)
	}
	ctx, stop := signalContext(cmd.Context())
	defer stop()
	logger := log.New(cmd.ErrOrStderr(), "", log.LstdFlags)
	srv, err := server.New(server.Config{
		StateDir: sf.stateDir, Token: sf.token, NoAuth: sf.noAuth,
		EventBuffer: sf.eventBuffer, MaxBodyBytes: int64(sf.maxBody), Log: logger,
		// The daemon keeps what it pulls for clients apart from root's own cache.
		Source: source.Options{CacheDir: filepath.Join(sf.stateDir, "cache")},
		// The web dashboard at "/": a client of the same API and token.
		Dashboard: dashboard.Handler(),
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return fmt.Errorf("serve: cannot listen on %s: %v (pick another --listen)", sf.listen, unwrapOp(err))
	}
	scheme := "http"
	if sf.tlsCert != "" {
		scheme = "https"
	}
	auth := "token in " + filepath.Join(sf.stateDir, "token")
	switch {
	case sf.noAuth:
		auth = "no token"
	case sf.token != "":
		auth = "token given"
	}
	logger.Printf("nomia: serving on %s://%s (%s)", scheme, ln.Addr(), auth)
	if err := srv.Serve(ctx, ln, sf.tlsCert, sf.tlsKey); err != nil {
		return err
	}
	logger.Printf("nomia: shutting down: detaching every program")
	return srv.Close()
}

// signalContext ends with Ctrl-C or SIGTERM, so that the daemon detaches its
// programs and a client closes its streams before exiting.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// unwrapOp drops *net.OpError's "listen tcp ADDR:" prefix, which repeats
// what the message says.
func unwrapOp(err error) error {
	if op, ok := err.(*net.OpError); ok {
		return op.Err
	}
	return err
}
