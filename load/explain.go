package load

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/attach"
)

// failingProgram returns the program a collection load error names
// ("program NAME: …"), if it is one of s's programs.
func failingProgram(err error, s *ebpf.CollectionSpec) string {
	rest, ok := strings.CutPrefix(err.Error(), "program ")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, ":")
	if _, known := s.Programs[name]; !ok || !known {
		return ""
	}
	return name
}

// Explain turns the error of loading spec as one collection into the one line
// nomia run prints: the failing program, its section and the kernel's reason
// (trampolines refused, verifier rejection, root needed, …), or for a failure
// that names no program, the error without cilium/ebpf's misleading MEMLOCK
// advice. It serves clients that load whole objects themselves, such as the
// WASM host.
func Explain(spec *ebpf.CollectionSpec, err error) string {
	name := failingProgram(err, spec)
	if name == "" {
		return collectionReason(err)
	}
	section := spec.Programs[name].SectionName
	// A section nomia cannot attach still loads; its hook is then unknown and
	// the reason is told from the error alone.
	h, _ := attach.ParseSection(section)
	return failure{name, section, loadReason(h, err)}.String()
}

// loadReason explains why the kernel refused to load a program, in one line.
// Trampoline programs refused with EPERM get no verifier log, and cilium/ebpf
// then suggests raising RLIMIT_MEMLOCK, which is not the cause: say what is.
func loadReason(h attach.Hook, err error) string {
	var ve *ebpf.VerifierError
	switch {
	case h.UsesTrampoline() && errors.Is(err, unix.EPERM) && os.Geteuid() == 0:
		return fmt.Sprintf("%v: %v", attach.ErrTrampolinesRefused, unix.EPERM)
	case errors.Is(err, unix.EPERM) && os.Geteuid() != 0:
		return needRoot
	case errors.As(err, &ve):
		msg := omitted.ReplaceAllString(oneLine(ve), "")
		return "the verifier rejected it: " + strings.TrimPrefix(msg, "load program: ") + verifierHint
	case errors.Is(err, ebpf.ErrNotSupported):
		return "this kernel does not support it: " + bare(err)
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return "the kernel refused to load it: " + bare(err)
	}
	// No errno: the loader itself could not prepare the program (kconfig, CO-RE
	// relocation against this kernel's BTF, …), the kernel never saw it.
	return "it cannot be loaded on this kernel: " + bare(err)
}

// verifierHint follows a verifier rejection. The same source compiles to
// code the verifier accepts or not depending on clang's target CPU: libbpf-tools
// build softirqs with -mcpu=v3 (nomia's default) and cpufreq only verifies
// with clang's own default, v1.
const verifierHint = " (the code clang emits differs by target CPU: rebuild with --cflags -mcpu=v1 or -mcpu=v2 to try another)"

// needRoot explains EPERM for users who are not root. cilium/ebpf blames
// RLIMIT_MEMLOCK, which kernels since 5.11 no longer use for BPF memory.
const needRoot = "operation not permitted: loading eBPF needs root (or CAP_BPF with CAP_PERFMON and CAP_NET_ADMIN): run nomia as root"

// collectionReason explains a load failure that names no program (a map, BTF).
func collectionReason(err error) string {
	if errors.Is(err, unix.EPERM) && os.Geteuid() != 0 {
		return needRoot
	}
	return memlockHint.ReplaceAllString(oneLine(err), "")
}

// memlockHint matches cilium/ebpf's advice to raise RLIMIT_MEMLOCK, which is
// wrong on kernels that account BPF memory to cgroups (5.11 and later).
var memlockHint = regexp.MustCompile(` \(MEMLOCK may be too low, consider rlimit\.RemoveMemlock\)`)

// omitted matches cilium/ebpf's count of verifier log lines it left out, which
// means nothing to a user who cannot see the log.
var omitted = regexp.MustCompile(` \(\d+ line\(s\) omitted\)`)

// bare is a load error without cilium/ebpf's "program NAME: load program:" prefix.
func bare(err error) string {
	s := oneLine(err)
	if _, rest, ok := strings.Cut(s, ": "); ok && strings.HasPrefix(s, "program ") {
		s = rest
	}
	return strings.TrimPrefix(s, "load program: ")
}

// oneLine flattens an error message onto one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
