package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The port the test connects to: nothing listens there, in a network namespace of
// the test's own, so each connect is one SYN_SENT (then a refusal).
const refusedPort = 4242

// TestKernelAddresses checks addresses the kernel wrote: a tracepoint program copies
// the socket addresses of TCP state changes, in tcpstates' and tcpconnect's shapes,
// while the test connects to 127.0.0.2 and ::1 in a private network namespace.
func TestKernelAddresses(t *testing.T) {
	d, rd := tracedEvents(t, "testdata/tcpstate.c", "on_state", "sock", "inet_sock_set_state")

	v6, err := connectInPrivateNetns()
	if err != nil {
		t.Fatal(err)
	}
	want := map[float64]map[string]any{ // by family
		unix.AF_INET: {"saddr": "127.0.0.1", "daddr": "127.0.0.2", "daddr_v4": "127.0.0.2"},
	}
	if v6 {
		want[unix.AF_INET6] = map[string]any{"saddr": "::1", "daddr": "::1", "daddr_v6": "::1"}
	} else {
		t.Log("no IPv6 loopback in a new network namespace: checking IPv4 only")
	}

	rd.SetDeadline(time.Now().Add(10 * time.Second))
	for len(want) > 0 {
		r, err := rd.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("no SYN_SENT event from this process for families %v within 10 s", want)
		}
		if err != nil {
			t.Fatal(err)
		}
		out := d.AppendJSON(nil, r.RawSample)
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		const synSent = 2
		if got["pid"] != float64(os.Getpid()) || got["newstate"] != float64(synSent) || got["dport"] != float64(refusedPort) {
			continue // another process's connection, or a later state
		}
		fields, ok := want[got["family"].(float64)]
		if !ok {
			continue
		}
		delete(want, got["family"].(float64))
		for k, v := range fields {
			if got[k] != v {
				t.Errorf("%s = %v, want %v in %s", k, got[k], v, out)
			}
		}
		// The union member the family rules out has no key; the socket pointer
		// is a number.
		if _, ok := got["daddr_v4"]; ok && got["family"] == float64(unix.AF_INET6) {
			t.Errorf("daddr_v4 printed for an IPv6 event: %s", out)
		}
		if _, ok := got["daddr_v6"]; ok && got["family"] == float64(unix.AF_INET) {
			t.Errorf("daddr_v6 printed for an IPv4 event: %s", out)
		}
		if p, ok := got["skaddr"].(float64); !ok || p == 0 {
			t.Errorf("skaddr = %v, want a nonzero number in %s", got["skaddr"], out)
		}
	}
}

// connectInPrivateNetns connects once to 127.0.0.2 and once to ::1 (when the new
// namespace has IPv6) from a thread moved into a network namespace of its own, so
// the test touches no real interface. The thread is never unlocked, so it ends with
// its goroutine and the namespace goes with it.
func connectInPrivateNetns() (v6 bool, err error) {
	type result struct {
		v6  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{err: fmt.Errorf("unshare(CLONE_NEWNET): %w", err)}
			return
		}
		if err := loopbackUp(); err != nil {
			done <- result{err: err}
			return
		}
		if err := connectOnce(unix.AF_INET, &unix.SockaddrInet4{Port: refusedPort, Addr: [4]byte{127, 0, 0, 2}}); err != nil {
			done <- result{err: err}
			return
		}
		sa6 := &unix.SockaddrInet6{Port: refusedPort, Addr: [16]byte{15: 1}}
		done <- result{v6: connectOnce(unix.AF_INET6, sa6) == nil}
	}()
	r := <-done
	return r.v6, r.err
}

// loopbackUp sets lo up in the calling thread's network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("reading lo's flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("setting lo up: %w", err)
	}
	return nil
}

// connectOnce makes one blocking TCP connect to sa, which must be refused: the
// SYN_SENT state change it causes is what the test reads.
func connectOnce(family int, sa unix.Sockaddr) error {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, sa); !errors.Is(err, unix.ECONNREFUSED) {
		return fmt.Errorf("connect to %v: got %v, want connection refused", sa, err)
	}
	return nil
}
