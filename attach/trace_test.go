package attach

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
)

// Slots of testdata/counters.bpf.c.
const (
	slotTP = iota
	slotRawTP
	slotTpBtf
	slotPerf
	slotKprobe
)

var mine = map[string]any{"nt_tgid": uint32(os.Getpid())}

// getpids makes n getpid system calls, which the counters programs count.
func getpids(n int) {
	for range n {
		syscall.Getpid()
	}
}

// testCountsGetpid attaches prog of counters.bpf.c and checks that it counts
// exactly the test's getpid calls in slot, and nothing once detached.
func testCountsGetpid(t *testing.T, prog string, slot uint32) {
	coll, p, ps := loadOne(t, "counters.bpf.c", prog, mine)
	a := mustAttach(t, p, ps, Target{})
	getpids(7)
	if got := waitCount(t, coll, slot, 7); got != 7 {
		t.Errorf("%s counted %d getpid calls, want 7", ps.SectionName, got)
	}
	closeErr(t, a)
	getpids(3)
	if got := count(t, coll, slot); got != 7 {
		t.Errorf("%s still counts after Close: %d, want 7", ps.SectionName, got)
	}
}

func TestTracepoint(t *testing.T) { testCountsGetpid(t, "nt_tp", slotTP) }

func TestRawTracepoint(t *testing.T) { testCountsGetpid(t, "nt_raw_tp", slotRawTP) }

func TestTpBtf(t *testing.T) { testCountsGetpid(t, "nt_tp_btf", slotTpBtf) }

// A tracepoint program reading past its record loads but is refused at attach;
// the error must say why.
func TestTracepointReadingPastRecord(t *testing.T) {
	_, p, ps := loadOne(t, "counters.bpf.c", "nt_tp_past", mine)
	a, err := Program(p, ps, Target{})
	if err == nil {
		a.Close()
		t.Skip("this kernel accepts tracepoint programs reading past the record")
	}
	want := "program nt_tp_past (tp/syscalls/sys_enter_getpid): the kernel refused to attach it (permission denied): " +
		"the program reads ctx past the record of tracepoint syscalls/sys_enter_getpid; " +
		"compare its offsets with /sys/kernel/tracing/events/syscalls/sys_enter_getpid/format"
	if err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

// On this kernel kprobes cannot attach (no kprobe_events); elsewhere they must
// count unlinkat calls.
func TestKprobe(t *testing.T) {
	coll, p, ps := loadOne(t, "counters.bpf.c", "nt_kprobe", mine)
	a, err := Program(p, ps, Target{})
	if err != nil {
		want := "program nt_kprobe (kprobe/do_unlinkat): kprobes are not available on this kernel " +
			"(no /sys/kernel/tracing/kprobe_events; needs CONFIG_KPROBE_EVENTS)"
		if _, statErr := os.Stat("/sys/kernel/tracing/kprobe_events"); statErr == nil {
			t.Fatalf("kprobe_events exists but attach failed: %v", err)
		}
		if err.Error() != want {
			t.Fatalf("error:\n got %v\nwant %s", err, want)
		}
		return
	}
	defer a.Close()
	f := filepath.Join(t.TempDir(), "x")
	for range 3 {
		os.WriteFile(f, nil, 0o600)
		os.Remove(f)
	}
	if got := waitCount(t, coll, slotKprobe, 3); got < 3 {
		t.Errorf("kprobe counted %d unlinks, want >= 3", got)
	}
}

func TestPerfEvent(t *testing.T) {
	coll, p, ps := loadOne(t, "counters.bpf.c", "nt_perf", mine)
	a := mustAttach(t, p, ps, Target{Freq: 199})
	busy(300 * time.Millisecond)
	got := count(t, coll, slotPerf)
	if got == 0 {
		t.Fatalf("perf_event program never ran in 300 ms of busy CPU at 199 Hz")
	}
	closeErr(t, a)
	after := count(t, coll, slotPerf)
	busy(100 * time.Millisecond)
	if last := count(t, coll, slotPerf); last != after {
		t.Errorf("perf_event program still runs after Close: %d -> %d", after, last)
	}
}

// busy keeps a CPU busy for d, so that cpu-clock samples fire.
func busy(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

func TestIterTask(t *testing.T) {
	_, p, ps := loadOne(t, "counters.bpf.c", "nt_iter", mine)
	a := mustAttach(t, p, ps, Target{})
	it, ok := a.(Iter)
	if !ok {
		t.Fatalf("iter attachment is %T, not an Iter", a)
	}
	out, err := it.Read()
	if err != nil {
		t.Fatal(err)
	}
	comm, _ := os.ReadFile("/proc/self/comm")
	self := fmt.Sprintf("%d %s", os.Getpid(), strings.TrimSpace(string(comm)))
	parent := fmt.Sprintf("%d ", os.Getppid())
	// (The task iterator of the 6.18 test kernel leaves out pid 1, so the test
	// looks for its own process and its parent.)
	var sawParent, sawSelf bool
	for sc := bufio.NewScanner(strings.NewReader(string(out))); sc.Scan(); {
		sawParent = sawParent || strings.HasPrefix(sc.Text(), parent)
		sawSelf = sawSelf || sc.Text() == self
	}
	if !sawParent || !sawSelf {
		t.Errorf("iterator output lacks the parent %q (%v) or %q (%v):\n%s", parent, sawParent, self, sawSelf, out)
	}
	// Reading again runs the program again.
	if again, err := it.Read(); err != nil || !strings.Contains(string(again), self) {
		t.Errorf("second read: %v\n%s", err, again)
	}
}

// EnsureTracefs must mount tracefs where none is; the test runs in a child
// process with its own mount namespace, where it unmounts every tracefs first.
func TestEnsureTracefs(t *testing.T) {
	if os.Getenv("NT_TRACEFS_CHILD") == "" {
		bpftest.InChild(t, "TestEnsureTracefs", "NT_TRACEFS_CHILD=1")
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount tracefs")
	}
	for _, mp := range tracefsMounts(t) {
		if err := unix.Unmount(mp, unix.MNT_DETACH); err != nil {
			t.Fatalf("unmount %s in the private namespace: %v", mp, err)
		}
	}
	if tracefsMounted() {
		t.Fatal("tracefs still mounted after unmounting it")
	}
	if err := EnsureTracefs(); err != nil {
		t.Fatalf("EnsureTracefs: %v", err)
	}
	if !tracefsMounted() {
		t.Fatal("EnsureTracefs returned nil but tracefs is not mounted")
	}
	// The tracepoint attach path must now work.
	testCountsGetpid(t, "nt_tp", slotTP)
}

// tracefsMounts lists where tracefs is mounted, deepest last.
func tracefsMounts(t *testing.T) []string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var mps []string
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if _, after, ok := strings.Cut(line, " - "); ok && strings.HasPrefix(after, "tracefs ") {
			mps = append(mps, fields[4])
		}
	}
	return mps
}
