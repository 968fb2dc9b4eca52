package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// countsMap is the name of getpid.bpf.c's counter array: [0] attempts, [1] reserve
// failures.
const countsMap = "evb_counts"

// counts is a snapshot of evb_counts.
type counts struct{ attempts, failed uint64 }

func (c counts) minus(o counts) counts {
	return counts{c.attempts - o.attempts, c.failed - o.failed}
}

func readCounts(m *ebpf.Map) (counts, error) {
	var c counts
	if err := m.Lookup(uint32(0), &c.attempts); err != nil {
		return c, fmt.Errorf("read %s[0]: %v", countsMap, err)
	}
	if err := m.Lookup(uint32(1), &c.failed); err != nil {
		return c, fmt.Errorf("read %s[1]: %v", countsMap, err)
	}
	return c, nil
}

// mapScanner finds maps created after it was made, to reach the counters of a
// program another process (nomia) loaded.
type mapScanner struct{ last ebpf.MapID }

func newMapScanner() *mapScanner {
	s := &mapScanner{}
	for {
		id, err := ebpf.MapGetNextID(s.last)
		if err != nil {
			return s
		}
		s.last = id
	}
}

// find returns the first new map called name, or nil if there is none yet.
func (s *mapScanner) find(name string) *ebpf.Map {
	for {
		id, err := ebpf.MapGetNextID(s.last)
		if err != nil {
			return nil
		}
		s.last = id
		m, err := ebpf.NewMapFromID(id)
		if err != nil {
			continue // gone already
		}
		if info, err := m.Info(); err == nil && info.Name == name {
			return m
		}
		m.Close()
	}
}

// selfCPU is the user+system CPU time of this process so far.
func selfCPU() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the user+system CPU time of a running process, from /proc/PID/stat
// (clock ticks: 10 ms resolution, which over a run of seconds is ~1 %).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc stat")
	}
	f := strings.Fields(s[i+1:])
	// After ")": state is field 3 of stat(5), utime 14, stime 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticksPerSecond, nil
}

// vmHWM is the peak resident set of a running process in KiB.
func vmHWM(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// ensureTracefs mounts tracefs when it is missing (tracepoint attach needs it)
// and returns the function that undoes exactly that.
func ensureTracefs() (undo func(), err error) {
	const dir = "/sys/kernel/tracing"
	if _, err := os.Stat(dir + "/events"); err == nil {
		return func() {}, nil
	}
	if err := unix.Mount("nodev", dir, "tracefs", 0, ""); err != nil {
		return nil, fmt.Errorf("mount tracefs on %s: %v (tracepoints need it; mount it as root)", dir, err)
	}
	return func() { _ = unix.Unmount(dir, 0) }, nil
}

// probeUntil calls getpid as a traced thread until attached reports true or the
// timeout passes, and returns how long that took from since.
func probeUntil(since time.Time, timeout time.Duration, attached func() (bool, error)) (time.Duration, error) {
	errc := make(chan error, 1)
	var took time.Duration
	go func() {
		// The renamed thread exits with this goroutine (never unlocked).
		if err := becomeTraced(); err != nil {
			errc <- err
			return
		}
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			unix.Getpid()
			ok, err := attached()
			if err != nil {
				errc <- err
				return
			}
			if ok {
				took = time.Since(since)
				errc <- nil
				return
			}
		}
		errc <- fmt.Errorf("not attached after %v", timeout)
	}()
	err := <-errc
	return took, err
}
