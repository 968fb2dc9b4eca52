package examples_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// reader is a copy of dd under a name of its own, so that the program's
// --targ_comm filter counts this test's reads and nobody else's.
type reader struct {
	t    *testing.T
	path string
	comm string
	runs int
}

var readers atomic.Int32

func newReader(t *testing.T) *reader {
	// comm holds 15 bytes; the pid and a counter keep parallel tests apart.
	comm := fmt.Sprintf("rsz%d_%d", os.Getpid()%100000, readers.Add(1))
	path := filepath.Join(t.TempDir(), comm)
	data, err := os.ReadFile("/bin/dd")
	if err != nil {
		t.Skipf("no /bin/dd to read with: %v", err)
	}
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return &reader{t: t, path: path, comm: comm}
}

// read makes count read(2) calls of size bytes each.
func (r *reader) read(size, count int) {
	out, err := exec.Command(r.path, "if=/dev/zero", "of=/dev/null", fmt.Sprintf("bs=%d", size), fmt.Sprintf("count=%d", count)).CombinedOutput()
	if err != nil {
		r.t.Fatalf("%s: %v\n%s", r.comm, err, out)
	}
	r.runs++
}

// bucket returns the count of the histogram bucket starting at low.
func bucket(ev event, low int64) int64 {
	buckets, _ := ev.get("hist.buckets")
	list, _ := buckets.([]any)
	for _, b := range list {
		if b := event(b.(map[string]any)); b.is("low", low) {
			n, _ := b.int("count")
			return n
		}
	}
	return 0
}

// TestReadsizeJSON: the histogram and the table of a map-only program are
// printed every --interval and at exit, keyed by the decoded struct key.
func TestReadsizeJSON(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "readsize")
	rd := newReader(t)
	r := startRun(t, 1, "-j", "--interval", "200ms", "--duration", runCap, pkg, "--targ_comm", rd.comm)
	// One 100-byte read per poke until the histogram shows one: attached.
	r.waitEvent(seenWithin, func() { rd.read(100, 1) }, func(ev event) bool {
		return ev.str("map") == "sizes" && bucket(ev, 64) > 0
	})
	small := rd.runs
	rd.read(300000, 3)
	r.stop()

	var sizes, bytes event
	for _, line := range r.output() {
		ev, err := parseEvent(line)
		if err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		switch ev.str("map") {
		case "sizes":
			sizes = ev
		case "bytes":
			bytes = ev
		}
	}
	// The last prints are the ones made at exit, after every read.
	if sizes.str("key.comm") != rd.comm {
		t.Errorf("sizes key = %v, want comm %s", sizes["key"], rd.comm)
	}
	if n := bucket(sizes, 262144); n != 3 {
		t.Errorf("bucket 262144 -> 524287 = %d, want the 3 reads of 300000 bytes\n%s", n, r.transcript())
	}
	if n := bucket(sizes, 64); n < 1 || n > int64(small) {
		t.Errorf("bucket 64 -> 127 = %d, want 1..%d (reads of 100 bytes made)", n, small)
	}
	if got, ok := bytes.int("value"); !ok || got < 900000+100 {
		t.Errorf("bytes value = %v, want at least %d", bytes["value"], 900000+100)
	}
}

// TestReadsizeClearText: with --clear each interval starts from zero, so the
// three large reads show up in exactly one print; the text is BCC's layout.
func TestReadsizeClearText(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "readsize")
	rd := newReader(t)
	r := startRun(t, 1, "--interval", "200ms", "--clear", "--duration", runCap, pkg, "--targ_comm", rd.comm)
	r.waitLine(seenWithin, func() { rd.read(100, 1) }, func(line string) bool {
		return strings.Contains(line, "64 -> 127") && !strings.Contains(line, ": 0 ")
	})
	rd.read(300000, 3)
	large := "    262144 -> 524287     : 3        |"
	r.waitLine(seenWithin, nil, func(line string) bool { return strings.HasPrefix(line, large) })
	time.Sleep(time.Second) // five more intervals, all of them empty
	r.stop()
	seen := 0
	for _, line := range r.output() {
		if strings.Contains(line, "262144 -> 524287") && !strings.Contains(line, ": 0 ") {
			seen++
		}
	}
	if seen != 1 {
		t.Errorf("the large reads were printed %d times, want once with --clear\n%s", seen, r.transcript())
	}
	if !strings.Contains(strings.Join(r.output(), "\n"), "comm = "+rd.comm+"\n     value               : count    distribution") {
		t.Errorf("no BCC-style histogram headed by the comm\n%s", r.transcript())
	}
}
