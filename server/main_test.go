package server_test

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// progName is the kernel name of testdata/pgid.bpf.c's program, for leak checks.
const progName = "on_getpgid"

func requireKernel(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to load eBPF programs")
	}
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run .ci/setup", tool)
		}
	}
}

var built struct {
	sync.Mutex
	pkg []byte
}

// pgidPackage builds testdata/pgid.bpf.c once per process and returns the
// package.json bytes a client would upload.
func pgidPackage(t testing.TB) []byte {
	t.Helper()
	requireKernel(t)
	built.Lock()
	defer built.Unlock()
	if built.pkg == nil {
		pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/pgid.bpf.c"})
		if err != nil {
			t.Fatal(err)
		}
		if built.pkg, err = pkg.Marshal(); err != nil {
			t.Fatal(err)
		}
	}
	return built.pkg
}

// startRequest asks for the pgid program, tracing this process.
func startRequest(t testing.TB, name string) api.StartRequest {
	return api.StartRequest{Name: name, Package: pgidPackage(t), Args: []string{"--targ_pid", strconv.Itoa(os.Getpid())}}
}

// getpgid makes the syscall the test program traces; arg is what the event
// and the maps carry. Values above pid_max fail with ESRCH, which is fine.
func getpgid(arg int64) { unix.Syscall(unix.SYS_GETPGID, uintptr(arg), 0, 0) }

// testServer is a server on a loopback port with a client of it.
type testServer struct {
	*server.Server
	client *client.Client
	url    string
	stop   func() // ends serving and closes the server; Cleanup calls it too
}

// serve starts a server with cfg on 127.0.0.1 and a client with its token.
func serve(t testing.TB, cfg server.Config) *testServer {
	t.Helper()
	if cfg.Token == "" && cfg.StateDir == "" && !cfg.NoAuth {
		cfg.Token = "test-token"
	}
	if cfg.Log == nil {
		cfg.Log = quietLog(t)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, "", "") }()
	url := "http://" + ln.Addr().String()
	ts := &testServer{Server: s, client: client.New(url, s.Token()), url: url}
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
			ts.client.HTTP.CloseIdleConnections()
		})
	}
	t.Cleanup(ts.stop)
	return ts
}

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %s", what)
		}
	}
}

// program fetches a program's description or fails the test.
func (ts *testServer) program(t testing.TB, name string) *api.Program {
	t.Helper()
	p, err := ts.client.Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
