package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/cilium/ebpf"
	"os"
	"sync"
	"testing"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// TestLoadStartStop runs 8 concurrent clients through 500 start/stop cycles
// in total, every fifth with an event stream that must deliver the client's
// own event, and checks that afterwards no program is loaded, the server
// lists nothing, and the process holds no more file descriptors than before.
func TestLoadStartStop(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 500 load/attach/detach cycles")
	}
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{})
	ctx := context.Background()

	// One cycle first, so that process-wide caches (kernel BTF, tracefs) are
	// in place before the descriptors are counted.
	if err := cycle(ctx, ts.Client, startRequest(t, "warmup"), 0); err != nil {
		t.Fatal(err)
	}
	ts.Client.HTTP.CloseIdleConnections()
	fdsBefore := openFDs(t)

	const clients, cycles = 8, 500
	req := startRequest(t, "")
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := c; i < cycles; i += clients {
				r := req
				r.Name = fmt.Sprintf("load-%d", i)
				var marker int64
				if i%5 == 0 {
					marker = 80000000 + int64(i)
				}
				if err := cycle(ctx, ts.Client, r, marker); err != nil {
					errs <- fmt.Errorf("cycle %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if list, err := ts.Client.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("after the load: %d programs listed (%v), want none", len(list), err)
	}
	ts.Client.HTTP.CloseIdleConnections()
	// The server closes its side of the connections asynchronously; fail if
	// the count never gets back to where it was.
	waitFor(t, fmt.Sprintf("open descriptors to fall back to the %d before the load", fdsBefore), func() bool {
		return openFDs(t) <= fdsBefore
	})
}

// cycle starts a program, streams until its event for marker arrives (when
// marker is not 0) and stops it.
func cycle(ctx context.Context, c *client.Client, req api.StartRequest, marker int64) error {
	if _, err := c.Start(ctx, req); err != nil {
		return err
	}
	if marker != 0 {
		getpgid(marker)
		sctx, cancel := context.WithCancel(ctx)
		err := c.Events(sctx, req.Name, client.StreamOptions{}, func(ev api.Event) error {
			var d eventData
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				return err
			}
			if d.Arg == marker {
				cancel()
			}
			return nil
		})
		cancel()
		if err != nil {
			return fmt.Errorf("events of %s: %w", req.Name, err)
		}
	}
	return c.Stop(ctx, req.Name)
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestCloseDuringStarts closes the server while clients are starting
// programs and checks that, once Close returns, none of them is loaded: starts
// that finish during Close are detached by it or refused.
func TestCloseDuringStarts(t *testing.T) {
	pgidPackage(t)
	ts := servertest.New(t, server.Config{})
	before := loadedNamed(t, progName)
	req := startRequest(t, "")
	var wg sync.WaitGroup
	started := make(chan struct{}, 8)
	for i := range 8 {
		wg.Go(func() {
			r := req
			r.Name = fmt.Sprintf("closing-%d", i)
			ts.Client.Start(context.Background(), r) // some succeed, later ones get 503 or a closed connection
			started <- struct{}{}
		})
	}
	<-started
	ts.Stop()
	if left := newIDs(before, loadedNamed(t, progName)); len(left) > 0 {
		t.Errorf("programs %v loaded after Close returned", left)
	}
	wg.Wait()
	if left := newIDs(before, loadedNamed(t, progName)); len(left) > 0 {
		t.Errorf("programs %v loaded after every start returned", left)
	}
}

// newIDs lists the ids in after that are not in before.
func newIDs(before, after map[ebpf.ProgramID]bool) []ebpf.ProgramID {
	var ids []ebpf.ProgramID
	for id := range after {
		if !before[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// loadedNamed lists the ids of the kernel's programs of a name.
func loadedNamed(t *testing.T, name string) map[ebpf.ProgramID]bool {
	t.Helper()
	ids := map[ebpf.ProgramID]bool{}
	for id := ebpf.ProgramID(0); ; {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return ids
		}
		id = next
		p, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue
		}
		if info, err := p.Info(); err == nil && info.Name == name {
			ids[id] = true
		}
		p.Close()
	}
}
