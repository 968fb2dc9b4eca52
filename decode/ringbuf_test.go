package decode

import (
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestKernelRingBuffer decodes records that a tracepoint program writes into a ring
// buffer on this kernel, with the type from the program's own BTF.
func TestKernelRingBuffer(t *testing.T) {
	d, rd := tracedEvents(t, "testdata/ringbuf.c", "on_getpid", "syscalls", "sys_enter_getpid")

	// Call getpid from a thread with a known name; the thread ends with the
	// goroutine (it stays locked), so the renaming does not leak.
	const comm = "nomia-decode"
	tids := make(chan int, 1)
	go func() {
		runtime.LockOSThread()
		name := append([]byte(comm), 0)
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0); err != nil {
			tids <- -1
			return
		}
		unix.Getpid()
		tids <- unix.Gettid()
	}()
	tid := <-tids
	if tid < 0 {
		t.Fatal("prctl(PR_SET_NAME) failed")
	}

	rd.SetDeadline(time.Now().Add(5 * time.Second))
	for {
		r, err := rd.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatal("no record from our getpid() within 5 s")
		}
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Tgid, Pid uint32
			Ts        uint64
			Comm      string
			OddPid    bool `json:"odd_pid"`
			Neg       int
		}
		out := d.AppendJSON(nil, r.RawSample)
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if int(got.Tgid) != os.Getpid() || int(got.Pid) != tid {
			continue // another process or thread called getpid
		}
		if got.Comm != comm || got.OddPid != (tid%2 == 1) || got.Neg != -tid || got.Ts == 0 {
			t.Errorf("decoded %s; want comm %q, odd_pid %v, neg %d, ts > 0", out, comm, tid%2 == 1, -tid)
		}
		return
	}
}
