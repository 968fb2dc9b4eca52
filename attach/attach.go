package attach

import (
	"errors"
	"fmt"
	"io"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// Target holds run-time attach targets given on the command line.
type Target struct {
	Iface  string // xdp/tc/socket: interface name (default "lo")
	Cgroup string // cgroup programs: cgroup v2 dir (default: the cgroup2 mount root)
	PID    int    // uprobes: only this process (0 = all)
	Binary string // uprobes whose section names no path: "PATH" or "PATH:SYMBOL"
	Freq   uint64 // perf_event sampling frequency in Hz (default 49)
}

// DefaultFreq is the perf_event sampling frequency used when Target.Freq is 0:
// a prime, so that sampling does not run in lockstep with periodic work.
const DefaultFreq = 49

// Attachment is an attached program; Close detaches it.
type Attachment interface{ Close() error }

// Iter is the attachment of an iterator program (SEC("iter/…")). The program
// runs each time the iterator is read, so Read returns a fresh snapshot.
type Iter interface {
	Attachment
	// Read runs the iterator once and returns everything the program wrote.
	Read() ([]byte, error)
}

// Error is the error of Program: which program failed, in which section, and why.
type Error struct {
	Program string // the program's name
	Section string // its section, "" when the section itself is the problem
	Reason  string // one line, with a hint where the user can act
}

// Error formats the error as "program NAME (SECTION): reason".
func (e *Error) Error() string {
	if e.Section == "" {
		return fmt.Sprintf("program %s: %s", e.Program, e.Reason)
	}
	return fmt.Sprintf("program %s (%s): %s", e.Program, e.Section, e.Reason)
}

// Program attaches p (loaded from ps) according to ps.SectionName. Errors are
// *Error, one line: "program NAME (SECTION): reason".
func Program(p *ebpf.Program, ps *ebpf.ProgramSpec, t Target) (Attachment, error) {
	h, err := ParseSection(ps.SectionName)
	if err != nil {
		return nil, &Error{Program: ps.Name, Reason: err.Error()}
	}
	a, err := attachHook(p, ps, h, t)
	if err != nil {
		return nil, &Error{Program: ps.Name, Section: h.Section, Reason: err.Error()}
	}
	return a, nil
}

// attachHook dispatches on the hook's kind; its errors omit the program's name.
func attachHook(p *ebpf.Program, ps *ebpf.ProgramSpec, h Hook, t Target) (Attachment, error) {
	switch h.Kind {
	case "tracepoint":
		return tracepoint(p, h)
	case "raw_tp":
		l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: h.Name, Program: p})
		if notExist(err) {
			return nil, fmt.Errorf("no raw tracepoint %s on this kernel (raw_tp names an event without its category; system calls have only sys_enter and sys_exit)", h.Name)
		}
		return explain(h)(l, err)
	case "tp_btf", "fentry", "fexit", "fmod_ret":
		return explain(h)(link.AttachTracing(link.TracingOptions{Program: p, AttachType: ps.AttachType}))
	case "lsm":
		return explain(h)(link.AttachLSM(link.LSMOptions{Program: p}))
	case "kprobe", "kretprobe", "ksyscall", "kretsyscall":
		return kprobe(p, h)
	case "uprobe", "uretprobe":
		return uprobe(p, ps.Name, h, t)
	case "perf_event":
		return perfEvent(p, t)
	case "iter":
		return iter(p)
	case "xdp":
		return xdp(p, t)
	case "tc", "tcx":
		return tcx(p, h, t)
	case "cgroup", "lsm_cgroup":
		return cgroup(p, ps, t)
	case "socket":
		return socketFilter(p, t)
	}
	return nil, fmt.Errorf("kind %s has no attach method", h.Kind)
}

// explain wraps a cilium/ebpf attach result, rewriting its error into one that
// says why the kernel refused (see reason).
func explain(h Hook) func(link.Link, error) (Attachment, error) {
	return func(l link.Link, err error) (Attachment, error) {
		if err != nil {
			return nil, errors.New(reason(h, err))
		}
		return l, nil
	}
}

// readAll is io.ReadAll with the reader closed afterwards.
func readAll(rc io.ReadCloser, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
