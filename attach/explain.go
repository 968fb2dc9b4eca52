package attach

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// ErrTrampolinesRefused is the reason given when the kernel refuses fentry, fexit,
// fmod_ret or lsm programs: they need BPF trampolines, which some kernels (and
// lockdown or security policies) forbid with EPERM and no verifier log.
var ErrTrampolinesRefused = errors.New("the kernel refuses BPF trampoline programs (fentry/fexit/fmod_ret/lsm)")

// kprobesUnavailable explains the kprobe failure of kernels built without
// CONFIG_KPROBE_EVENTS, where the tracefs fallback finds no kprobe_events file.
const kprobesUnavailable = "kprobes are not available on this kernel (no /sys/kernel/tracing/kprobe_events; needs CONFIG_KPROBE_EVENTS)"

// UsesTrampoline reports whether the hook needs a BPF trampoline, i.e. whether a
// kernel that forbids trampolines refuses it.
func (h Hook) UsesTrampoline() bool {
	switch h.Kind {
	case "fentry", "fexit", "fmod_ret", "lsm", "lsm_cgroup":
		return true
	}
	return false
}

// reason turns an attach error from cilium/ebpf into a one-line explanation
// without the program's name (Program adds it).
func reason(h Hook, err error) string {
	switch {
	case h.UsesTrampoline() && errors.Is(err, unix.EPERM):
		return fmt.Sprintf("%v: %v", ErrTrampolinesRefused, unix.EPERM)
	case errors.Is(err, ebpf.ErrNotSupported):
		return fmt.Sprintf("this kernel cannot attach %s programs (%s)", h.Kind, oneLine(err))
	}
	return "attach failed: " + oneLine(err)
}

// oneLine flattens an error message onto one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// notExist reports whether err is a missing file or symbol.
func notExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
