package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// TestStuckClientStallsNothing opens an event stream that never reads on one
// program, floods both programs with events, and checks that the stuck
// stream's program still reads every record the kernel produced and that the
// other program's stream still delivers.
func TestStuckClientStallsNothing(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{EventBuffer: 1024})
	ctx := context.Background()
	for _, name := range []string{"stuck", "free"} {
		if _, err := ts.Client.Start(ctx, startRequest(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v1/programs/stuck/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", ts.Token())
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "200") {
		t.Fatalf("stuck stream: %q, %v", status, err)
	}
	// From here on nothing reads conn: the server's writes to it block once
	// the socket buffers (a few MiB) are full, which 18 MiB of events ensure.

	const flood = 200000
	for i := range flood {
		getpgid(70001000 + int64(i%1000))
	}
	// Both programs must be past the flood before the marker: were "free"'s
	// ring still full, the marker itself would be lost and never streamed.
	for _, name := range []string{"stuck", "free"} {
		waitFor(t, name+"'s program to read or count every record", func() bool {
			p := program(t, ts, name)
			return p.Counters.Events+p.Counters.Lost["events"] == flood
		})
	}
	const marker = 70000500
	getpgid(marker)
	collect(t, ts.Client, "free", 0, marker)
}
