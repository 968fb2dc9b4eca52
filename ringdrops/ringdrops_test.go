package ringdrops

import (
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/load"
)

func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// TestCountsEveryFailedWrite fills two small rings nobody reads and checks that
// the counters account for every write that did not get in: the program's own
// bookkeeping for reserve, and the records actually in the ring for output.
func TestCountsEveryFailedWrite(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to load eBPF programs")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	spec := bpftest.Compile(t, "testdata/drops.bpf.c")
	if err := spec.Variables["target_tid"].Set(uint32(unix.Gettid())); err != nil {
		t.Fatal(err)
	}
	counter, err := Instrument(spec)
	if err != nil {
		t.Fatal(err)
	}
	if counter == nil {
		t.Fatal("no ring buffer write found to instrument")
	}
	r, err := load.Start(spec, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	const events = 40
	for i := 0; i < events; i++ {
		unix.Getppid()
	}
	var tries, submitted uint64
	if err := r.Collection.Variables["tries"].Get(&tries); err != nil {
		t.Fatal(err)
	}
	if err := r.Collection.Variables["submitted"].Get(&submitted); err != nil {
		t.Fatal(err)
	}
	if tries != events {
		t.Fatalf("program saw %d getppid calls, want %d", tries, events)
	}
	counts, err := counter.Read(r.Collection)
	if err != nil {
		t.Fatal(err)
	}
	if submitted == 0 || submitted == tries {
		t.Fatalf("%d of %d reserves succeeded: the ring should fill part way", submitted, tries)
	}
	if got, want := counts["reserved"], tries-submitted; got != want {
		t.Errorf("reserve failures counted %d, want %d", got, want)
	}
	inRing := drain(t, r.Collection.Maps["output"])
	if got, want := counts["output"], 3*tries-inRing; got != want || inRing == 0 {
		t.Errorf("output failures counted %d, want %d (%d records in the ring)", got, want, inRing)
	}
	if counts["?"] != 0 {
		t.Errorf("%d failures counted under an unknown ring", counts["?"])
	}
}

// drain counts the records waiting in a ring.
func drain(t *testing.T, m *ebpf.Map) uint64 {
	t.Helper()
	rd, err := ringbuf.NewReader(m)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	rd.SetDeadline(time.Now().Add(200 * time.Millisecond))
	var n uint64
	for {
		if _, err := rd.Read(); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return n
			}
			t.Fatal(err)
		}
		n++
	}
}
