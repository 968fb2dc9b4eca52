package server_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// progName is the kernel name of testdata/pgid.bpf.c's program, for leak checks.
const progName = "on_getpgid"

var built struct {
	sync.Mutex
	pkg []byte
}

// pgidPackage builds testdata/pgid.bpf.c once per process and returns the
// package.json bytes a client would upload.
func pgidPackage(t testing.TB) []byte {
	t.Helper()
	servertest.RequireKernel(t)
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
func program(t testing.TB, ts *servertest.Server, name string) *api.Program {
	t.Helper()
	p, err := ts.Client.Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
