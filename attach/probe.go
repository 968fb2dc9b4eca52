package attach

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// tracepoint attaches a tracepoint program, mounting tracefs first if needed: the
// tracepoint's id is read from tracefs.
func tracepoint(p *ebpf.Program, h Hook) (Attachment, error) {
	if err := EnsureTracefs(); err != nil {
		return nil, err
	}
	l, err := link.Tracepoint(h.Group, h.Name, p, nil)
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, unix.EACCES) || strings.HasSuffix(err.Error(), unix.EACCES.Error()):
		// cilium/ebpf formats the perf link's errno with %v, hence the suffix test.
		// The kernel checks at attach time that the program reads no more of ctx
		// than the tracepoint's record holds.
		return nil, fmt.Errorf("the kernel refused to attach it (permission denied): the program reads ctx past the record of tracepoint %s/%s; compare its offsets with %s/events/%s/%s/format",
			h.Group, h.Name, tracefsDir, h.Group, h.Name)
	case notExist(err):
		return nil, fmt.Errorf("tracepoint %s/%s does not exist on this kernel (see %s/events/)", h.Group, h.Name, tracefsDir)
	}
	return nil, errors.New(reason(h, err))
}

// kprobe attaches kprobe, kretprobe, ksyscall and kretsyscall programs.
func kprobe(p *ebpf.Program, h Hook) (Attachment, error) {
	if err := needTracefs("kprobe"); err != nil {
		return nil, err
	}
	sym := h.Symbol
	if h.Kind == "ksyscall" || h.Kind == "kretsyscall" {
		sym = syscallPrefix() + "sys_" + h.Symbol
	}
	opts := &link.KprobeOptions{Offset: h.Offset}
	var l link.Link
	var err error
	if h.Kind == "kretprobe" || h.Kind == "kretsyscall" {
		l, err = link.Kretprobe(sym, p, opts)
	} else {
		l, err = link.Kprobe(sym, p, opts)
	}
	switch {
	case err == nil:
		return l, nil
	case notExist(err) && strings.Contains(err.Error(), "kprobe_events"):
		return nil, errors.New(kprobesUnavailable)
	case notExist(err):
		return nil, fmt.Errorf("kernel function %s cannot be probed: it is not in /proc/kallsyms or not traceable", sym)
	}
	return nil, errors.New(reason(h, err))
}

// syscallPrefix is the architecture's prefix of syscall entry points, which
// ksyscall sections leave out (libbpf adds it the same way).
func syscallPrefix() string {
	switch runtime.GOARCH {
	case "amd64":
		return "__x64_"
	case "arm64":
		return "__arm64_"
	case "s390x":
		return "__s390x_"
	case "riscv64":
		return "__riscv_"
	}
	return ""
}

// uprobe attaches uprobe and uretprobe programs. The binary and symbol come from
// the section or, when it names none, from Target.Binary ("PATH" or "PATH:SYMBOL").
// name is the program's, for the hint of a section that names no target.
func uprobe(p *ebpf.Program, name string, h Hook, t Target) (Attachment, error) {
	path, sym, addr := h.Path, h.Symbol, uint64(0)
	if sym == "" {
		addr = h.Offset // "PATH:0xADDR" or nothing
	}
	binPath, binSym, _ := strings.Cut(t.Binary, ":")
	if path == "" {
		path = binPath
	}
	if sym == "" && addr == 0 {
		sym = binSym
	}
	switch {
	case path == "" && sym == "":
		return nil, fmt.Errorf("the section names no binary or function: pass --attach %s=PATH:SYMBOL (or --binary PATH:SYMBOL for every such program)", name)
	case path == "":
		return nil, fmt.Errorf("the section names no binary for function %s: pass --binary PATH", sym)
	case sym == "" && addr == 0:
		return nil, fmt.Errorf("the section names no function in %s: pass --binary %s:SYMBOL", path, path)
	}
	resolved, err := resolveBinary(path)
	if err != nil {
		return nil, err
	}
	if err := needTracefs("uprobe"); err != nil {
		return nil, err
	}
	ex, err := link.OpenExecutable(resolved)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s for uprobes: %s", resolved, oneLine(err))
	}
	opts := &link.UprobeOptions{PID: t.PID, Address: addr}
	if sym != "" {
		opts.Offset = h.Offset
	}
	var l link.Link
	if h.Kind == "uretprobe" {
		l, err = ex.Uretprobe(sym, p, opts)
	} else {
		l, err = ex.Uprobe(sym, p, opts)
	}
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, link.ErrNoSymbol):
		return nil, fmt.Errorf("symbol %s not found in %s (check `nm -D %s`)", sym, resolved, resolved)
	case t.PID != 0 && errors.Is(err, unix.ESRCH):
		return nil, fmt.Errorf("process %d does not exist (--pid)", t.PID)
	}
	return nil, errors.New(reason(h, err))
}

// libDirs are searched for uprobe targets named without a directory
// ("uprobe/libc.so.6:malloc"), after $PATH.
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
}

// resolveBinary finds a uprobe target: paths with a slash are used as they are;
// bare names are looked up in $PATH, then in the usual library directories.
func resolveBinary(name string) (string, error) {
	if strings.Contains(name, "/") {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("uprobe target: %s", oneLine(err))
		}
		return name, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range libDirs {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("uprobe target %s not found in $PATH or %s: give its full path", name, strings.Join(libDirs, ", "))
}
