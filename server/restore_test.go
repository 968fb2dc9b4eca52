package server_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// TestRestoreAfterRestart checks durability: a program started on one server
// is detached when the server closes, started again by the next server on the
// same state dir (with its flags), and forgotten for good once stopped.
func TestRestoreAfterRestart(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	dir := t.TempDir()
	ctx := context.Background()

	first := servertest.New(t, server.Config{StateDir: dir})
	token := first.Token()
	if stored, err := os.ReadFile(filepath.Join(dir, "token")); err != nil || string(stored) != token+"\n" {
		t.Fatalf("token file %q, %v; want the server's token", stored, err)
	}
	p, err := first.Client.Start(ctx, startRequest(t, "durable"))
	if err != nil {
		t.Fatal(err)
	}
	oldID := ebpf.ProgramID(p.Programs[0].ID)
	if _, err := first.Client.Pause(ctx, "durable"); err != nil {
		t.Fatal(err)
	}
	first.Stop()
	if prog, err := ebpf.NewProgramFromID(oldID); err == nil {
		prog.Close()
		t.Fatalf("program %d still loaded after the server closed", oldID)
	}

	second := servertest.New(t, server.Config{StateDir: dir})
	if second.Token() != token {
		t.Errorf("token changed across a restart")
	}
	p = program(t, second, "durable")
	if p.State != api.Paused || len(p.Programs) != 1 || ebpf.ProgramID(p.Programs[0].ID) == oldID {
		t.Fatalf("restored program: %+v; want paused as it was, attached anew", p)
	}
	if _, err := second.Client.Resume(ctx, "durable"); err != nil {
		t.Fatal(err)
	}
	const marker = 70000400
	getpgid(marker)
	collect(t, second.Client, "durable", 0, marker) // the restored program kept --targ_pid
	if err := second.Client.Stop(ctx, "durable"); err != nil {
		t.Fatal(err)
	}
	second.Stop()

	third := servertest.New(t, server.Config{StateDir: dir})
	if list, err := third.Client.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("after stop and restart: %v, %v; want no programs", list, err)
	}
}

// TestRestoreFailureIsListed checks that a stored program that cannot start
// again shows as failed, with the reason, and that stopping removes it.
func TestRestoreFailureIsListed(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "programs"), 0o700); err != nil {
		t.Fatal(err)
	}
	rec := `{"name":"broken","args":["--x","1"],"package":{"bpf_object":"AAAA"}}`
	if err := os.WriteFile(filepath.Join(dir, "programs", "broken.json"), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "programs", "garbage.json"), []byte("{"), 0o600)
	ts := servertest.New(t, server.Config{StateDir: dir})
	ctx := context.Background()
	list, err := ts.Client.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "broken" || list[0].State != api.Failed || list[0].Error == "" {
		t.Fatalf("programs %+v: want broken, failed, with an error", list)
	}
	if _, err := ts.Client.Maps(ctx, "broken"); !isStatus(err, http.StatusConflict) {
		t.Errorf("maps of a failed program: %v, want 409", err)
	}
	if err := ts.Client.Stop(ctx, "broken"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "programs", "broken.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("record of a stopped program: %v, want it removed", err)
	}
}
