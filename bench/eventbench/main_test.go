package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

// TestMain lets the test binary serve as the producer child, as eventbench does.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == produceFlag {
		d, err := time.ParseDuration(os.Args[2])
		if err == nil {
			err = produce(d)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// buildProducerSpec compiles bench/testdata/getpid.bpf.c as run.sh does.
func buildProducerSpec(t *testing.T) *ebpf.CollectionSpec {
	t.Helper()
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: cannot build getpid.bpf.c", tool)
		}
	}
	dir := t.TempDir()
	vmlinux, err := exec.Command("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c").Output()
	if err != nil {
		t.Skipf("no kernel BTF for vmlinux.h: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vmlinux.h"), vmlinux, 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, "getpid.bpf.o")
	out, err := exec.Command("clang", "-O2", "-g", "-target", "bpf", "-I"+dir, "-c",
		"../testdata/getpid.bpf.c", "-o", obj).CombinedOutput()
	if err != nil {
		t.Fatalf("clang getpid.bpf.c: %v\n%s", err, out)
	}
	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		t.Fatal(err)
	}
	undo, err := ensureTracefs()
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(undo)
	return spec
}

// Every call the producer makes must be accounted for, as delivered or as a
// reserve failure the program counted, for both in-process consumers.
func TestInProcessConsumersAccountForEveryEvent(t *testing.T) {
	spec := buildProducerSpec(t)
	for _, c := range []struct {
		name    string
		consume func(*ebpf.Map, *atomic.Uint64) (func() error, error)
	}{{"bare", bareReader}, {"events", eventsReader}} {
		t.Run(c.name, func(t *testing.T) {
			r := inProcess(c.name, spec, 300*time.Millisecond, c.consume)
			if r.skipped != "" {
				t.Fatalf("skipped: %s", r.skipped)
			}
			if r.note != "" {
				t.Errorf("note: %s", r.note)
			}
			if r.prod.calls == 0 || r.delivered == 0 {
				t.Fatalf("produced %d, delivered %d: want both > 0", r.prod.calls, r.delivered)
			}
			if r.delivered+r.failed != r.prod.calls {
				t.Errorf("delivered %d + ring-full %d != produced %d", r.delivered, r.failed, r.prod.calls)
			}
			if r.cpu <= 0 {
				t.Errorf("reader CPU %v, want > 0", r.cpu)
			}
			t.Logf("%.2f M ev/s, %d dropped, %.3f µs CPU/event", r.rate()/1e6, r.drops(), float64(r.cpuPerEvent())/1e3)
		})
	}
}

// The floor row counts every call and puts nothing in the ring: count_only must
// stop the program before bpf_ringbuf_reserve.
func TestFloorCountsCallsAndSendsNothing(t *testing.T) {
	spec := buildProducerSpec(t)
	r := floor(spec, 200*time.Millisecond)
	if r.skipped != "" {
		t.Fatalf("skipped: %s", r.skipped)
	}
	if r.prod.calls == 0 || r.delivered != r.prod.calls || r.failed != 0 {
		t.Errorf("floor counted %d calls (%d ring-full) of %d produced, want all and 0", r.delivered, r.failed, r.prod.calls)
	}

	spec, err := countOnly(spec)
	if err != nil {
		t.Fatal(err)
	}
	coll, detach, err := loadAttached(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer detach()
	rd, err := ringbuf.NewReader(coll.Maps["events"])
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, err := runProducer(100*time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	c, err := readCounts(coll.Maps[countsMap])
	if err != nil {
		t.Fatal(err)
	}
	if c.attempts == 0 || rd.AvailableBytes() != 0 {
		t.Errorf("count_only: %d calls counted, %d bytes in the ring; want > 0 and 0", c.attempts, rd.AvailableBytes())
	}
}

func TestProcCPUAndRSSOfSelf(t *testing.T) {
	cpu, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if cpu < 0 || cpu > selfCPU()+time.Second {
		t.Errorf("procCPU(self) = %v, getrusage says %v", cpu, selfCPU())
	}
	if kib := vmHWM(os.Getpid()); kib < 1024 {
		t.Errorf("VmHWM of a Go test binary = %d KiB, want at least 1 MiB", kib)
	}
}
