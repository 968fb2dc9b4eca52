package events

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// poller waits until a ring buffer has data or until it is woken by wake, whichever
// comes first: an epoll set holding the map (readable while the ring holds records)
// and an eventfd that wake writes.
type poller struct {
	epfd, evfd int
	events     [2]unix.EpollEvent
}

func newPoller(mapFD int) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create: %v", err)
	}
	evfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("eventfd: %v", err)
	}
	p := &poller{epfd: epfd, evfd: evfd}
	for _, fd := range []int{mapFD, evfd} {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			p.close()
			return nil, fmt.Errorf("epoll_ctl: %v", err)
		}
	}
	return p, nil
}

// wait blocks until the ring is readable, wake was called since the last wait, or
// timeout has passed.
func (p *poller) wait(timeout time.Duration) error {
	ms := max(int(timeout.Milliseconds()), 1)
	for {
		n, err := unix.EpollWait(p.epfd, p.events[:], ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("epoll_wait: %v", err)
		}
		for _, ev := range p.events[:n] {
			if int(ev.Fd) == p.evfd {
				var buf [8]byte
				_, _ = unix.Read(p.evfd, buf[:]) // resets the counter; EAGAIN if already reset
			}
		}
		return nil
	}
}

// wake makes the current or the next wait return.
func (p *poller) wake() error {
	one := [8]byte{1}
	if _, err := unix.Write(p.evfd, one[:]); err != nil && !errors.Is(err, unix.EAGAIN) {
		return fmt.Errorf("eventfd write: %v", err)
	}
	return nil
}

func (p *poller) close() error {
	return firstErr(unix.Close(p.evfd), unix.Close(p.epfd))
}

// firstErr returns the first non-nil error: closing several descriptors reports
// one line, and the first failure is the one worth reading.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
