package nomia_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia"
	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
)

func buildExample(t *testing.T, name string) *bpfpkg.Package {
	t.Helper()
	pkg, err := compile.Build(context.Background(), compile.Options{
		Source: filepath.Join("examples", name, name+".bpf.c"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// loadedPrograms lists the ids of every BPF program in the kernel.
func loadedPrograms(t *testing.T) map[ebpf.ProgramID]bool {
	ids := map[ebpf.ProgramID]bool{}
	var id ebpf.ProgramID
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return ids
		}
		ids[next], id = true, next
	}
}

// TestRunDeliversDecodedEvents goes through the whole Go API: a package built
// from the opensnoop example, a global set by name, events decoded to JSON.
func TestRunDeliversDecodedEvents(t *testing.T) {
	bpftest.RequireKernel(t)
	inst, err := nomia.New(buildExample(t, "opensnoop"))
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Set("targ_pid", strconv.Itoa(os.Getpid())); err != nil {
		t.Fatal(err)
	}
	if err := inst.Start(nomia.Options{}); err != nil {
		t.Fatal(err)
	}
	// Other tests may load the same example concurrently, so follow this instance's
	// own program ids rather than names.
	var ours []ebpf.ProgramID
	for _, p := range inst.Running().Collection.Programs {
		info, err := p.Info()
		if err != nil {
			t.Fatal(err)
		}
		id, _ := info.ID()
		ours = append(ours, id)
	}
	if got := inst.EventMaps(); len(got) != 1 || got[0] != "events" {
		t.Fatalf("event maps %v, want [events]", got)
	}
	path := filepath.Join(t.TempDir(), "nomia-api-test")
	go func() {
		for i := 0; i < 50; i++ {
			os.ReadFile(path) // fails: the file does not exist, so ret is -ENOENT
			time.Sleep(20 * time.Millisecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got map[string]any
	err = inst.Run(ctx, func(ev nomia.Event) {
		var fields map[string]any
		if err := json.Unmarshal(ev.AppendJSON(nil), &fields); err != nil {
			t.Errorf("event is not JSON: %v", err)
			return
		}
		if fields["fname"] == path {
			got = fields
			cancel()
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("no event for the test's open within 5s")
	}
	if got["pid"] != float64(os.Getpid()) || got["ret"] != float64(-2) {
		t.Errorf("event %v: want pid %d and ret -2 (ENOENT)", got, os.Getpid())
	}
	if err := inst.Close(); err != nil {
		t.Fatal(err)
	}
	loaded := loadedPrograms(t)
	for _, id := range ours {
		if loaded[id] {
			t.Errorf("program %d still loaded after Close", id)
		}
	}
}

func TestSetRejectsBadValues(t *testing.T) {
	bpftest.RequireKernel(t)
	inst, err := nomia.New(buildExample(t, "opensnoop"))
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Set("targ_pid", "99999999999"); err == nil {
		t.Error("out-of-range pid accepted")
	}
	if err := inst.Set("no_such_global", "1"); err == nil {
		t.Error("unknown global accepted")
	}
}

// TestUnsizedMapsLoad starts an object whose maps leave their size to user space,
// as libbpf-tools do; without defaults the kernel refuses to create them.
func TestUnsizedMapsLoad(t *testing.T) {
	bpftest.RequireKernel(t)
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/unsized.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		t.Fatal(err)
	}
	var notes strings.Builder
	if err := inst.Start(nomia.Options{Notes: &notes}); err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	maps := inst.Running().Collection.Maps
	if got := maps["stackmap"].MaxEntries(); got != 1024 {
		t.Errorf("stackmap has %d entries, want 1024", got)
	}
	if got := maps["counts"].MaxEntries(); got != 10240 {
		t.Errorf("counts has %d entries, want 10240", got)
	}
	if !strings.Contains(notes.String(), "map stackmap: the object leaves its size to user space") {
		t.Errorf("no note about the stack map:\n%s", notes.String())
	}
	// The program runs: some task gets switched out within a moment.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var key uint32
		var val uint64
		if maps["counts"].Iterate().Next(&key, &val) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no sched_switch counted within 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRingBufferLossesReported fills a ring nobody reads and checks that Lost
// reports exactly the reserves the program saw fail: the kernel itself tells user
// space nothing about them.
func TestRingBufferLossesReported(t *testing.T) {
	bpftest.RequireKernel(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/ringfull.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Set("target_tid", strconv.Itoa(unix.Gettid())); err != nil {
		t.Fatal(err)
	}
	// Keep the ring at one page, so that a few records fill it.
	if err := inst.Start(nomia.Options{RingBufSize: uint32(os.Getpagesize()), Notes: io.Discard}); err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for i := 0; i < 30; i++ {
		unix.Getppid()
	}
	var failed uint64
	if err := inst.Running().Collection.Variables["failed"].Get(&failed); err != nil {
		t.Fatal(err)
	}
	if failed == 0 || failed == 30 {
		t.Fatalf("%d of 30 reserves failed: the ring should fill part way", failed)
	}
	if got := inst.Lost()["events"]; got != failed {
		t.Errorf("Lost reports %d records on events, the program saw %d reserves fail", got, failed)
	}
}
