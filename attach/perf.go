package attach

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// perfEvent attaches a perf_event program to a software cpu-clock event on every
// online CPU, sampling at t.Freq Hz. cpu-clock works without a hardware PMU
// (virtual machines), which is why it is the one event nomia opens.
func perfEvent(p *ebpf.Program, t Target) (Attachment, error) {
	cpus, err := onlineCPUs()
	if err != nil {
		return nil, err
	}
	freq := t.Freq
	if freq == 0 {
		freq = DefaultFreq
	}
	var a multi
	for _, cpu := range cpus {
		c, err := perfEventOnCPU(p, cpu, freq)
		if err != nil {
			a.Close()
			return nil, err
		}
		a = append(a, c)
	}
	return a, nil
}

// perfEventOnCPU opens one cpu-clock event and links p to it, with BPF_LINK_CREATE
// where the kernel has perf links (5.15+) and the older ioctl otherwise.
func perfEventOnCPU(p *ebpf.Program, cpu int, freq uint64) (Attachment, error) {
	attr := unix.PerfEventAttr{
		Type:   unix.PERF_TYPE_SOFTWARE,
		Config: unix.PERF_COUNT_SW_CPU_CLOCK,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample: freq,
		Bits:   unix.PerfBitFreq,
	}
	fd, err := unix.PerfEventOpen(&attr, -1, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("cannot open a cpu-clock perf event on CPU %d at %d Hz (%v); check kernel.perf_event_max_sample_rate", cpu, freq, err)
	}
	event := os.NewFile(uintptr(fd), "perf_event")
	l, err := link.AttachRawLink(link.RawLinkOptions{Target: fd, Program: p, Attach: ebpf.AttachPerfEvent})
	if err == nil {
		return multi{event, l}, nil // the link closes first
	}
	if !errors.Is(err, ebpf.ErrNotSupported) && !errors.Is(err, unix.EINVAL) {
		event.Close()
		return nil, fmt.Errorf("cannot link to the perf event on CPU %d: %s", cpu, oneLine(err))
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_SET_BPF, p.FD()); err != nil {
		event.Close()
		return nil, fmt.Errorf("cannot attach to the perf event on CPU %d: %v", cpu, err)
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
		event.Close()
		return nil, fmt.Errorf("cannot enable the perf event on CPU %d: %v", cpu, err)
	}
	return event, nil
}

// onlineCPUs parses /sys/devices/system/cpu/online ("0-3,5").
func onlineCPUs() ([]int, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return nil, fmt.Errorf("cannot list online CPUs: %v", err)
	}
	var cpus []int
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || b < a {
			return nil, fmt.Errorf("cannot parse online CPUs %q", r)
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// multi is an attachment made of several; Close closes all of them, in reverse
// order, and returns the first error.
type multi []interface{ Close() error }

func (m multi) Close() error {
	var first error
	for i := len(m) - 1; i >= 0; i-- {
		if err := m[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
