package compile

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// clangArgs returns clang's command line for compiling src to out. -mcpu=v3
// (ALU32, JMP32; Linux 5.1+) is what libbpf-tools build softirqs with, which
// the verifier refuses otherwise; the rare program that verifies only with
// clang's default (cpufreq) gets a hint at load to rebuild with -mcpu=v1. Include order
// matters: the user's directories come first so that their own vmlinux.h or
// vendored libbpf win over the generated and system ones.
func (tc *Toolchain) clangArgs(src, out, srcDir, vmlinuxDir string, opts *Options) []string {
	args := []string{"-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_" + tc.TargetArch, "-mcpu=v3"}
	for _, dir := range opts.Includes {
		args = append(args, "-I"+dir)
	}
	args = append(args, "-I"+srcDir, "-I"+vmlinuxDir)
	if tc.MultiarchInclude != "" {
		args = append(args, "-I"+tc.MultiarchInclude)
	}
	if tc.LibbpfInclude != "" {
		args = append(args, "-I"+tc.LibbpfInclude)
	}
	// The user's flags come last so that they can override ours (-O1, -mcpu=v2 …).
	args = append(args, opts.CFlags...)
	return append(args, "-c", src, "-o", out)
}

// runClang runs clang with args, which write the object file out, and returns
// that object. name is the file the user knows (the wrapper of a second pass
// still reports the original source).
func (tc *Toolchain) runClang(ctx context.Context, args []string, out, name string, log logf) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tc.Clang, args...)
	cmd.Stderr = &stderr
	log("clang %s", strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("compile: clang on %s interrupted: %w", name, ctx.Err())
		}
		diag := strings.TrimSpace(stderr.String())
		var exitErr *exec.ExitError
		if diag == "" || !errors.As(err, &exitErr) {
			diag = strings.TrimSpace(diag + "\n" + err.Error())
		}
		return nil, fmt.Errorf("compile: clang failed on %s\n%s", name, diag)
	}
	if w := strings.TrimSpace(stderr.String()); w != "" {
		log("%s", w)
	}
	return readClangOutput(out, name)
}

// readClangOutput reads what clang wrote and checks that it is a BPF object:
// user flags such as -E, -S, -emit-llvm or -fsyntax-only make clang succeed
// without one, and every later stage would then fail with a message about
// its own input instead of naming the flag.
func readClangOutput(out, name string) ([]byte, error) {
	const hint = "remove flags such as -E, -S, -emit-llvm or -fsyntax-only from --cflags"
	obj, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("compile: clang wrote no object for %s (%s): %s", name, oneLine(errText(err)), hint)
	}
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, fmt.Errorf("compile: clang's output for %s is not an ELF object (%s): %s", name, oneLine(err.Error()), hint)
	}
	defer f.Close()
	if f.Machine != elf.EM_BPF {
		return nil, fmt.Errorf("compile: clang's output for %s is an object for %v, not BPF: remove -target from --cflags", name, f.Machine)
	}
	return obj, nil
}

// strip removes DWARF (llvm-strip -g) from obj; BTF, which loaders need, is not
// a debug section and stays. Without an llvm-strip the object ships unstripped.
func (tc *Toolchain) strip(ctx context.Context, obj []byte, tmpDir string, log logf) ([]byte, error) {
	if tc.Strip == "" {
		log("no llvm-strip found: the object keeps its DWARF")
		return obj, nil
	}
	in := filepath.Join(tmpDir, "unstripped.o")
	out := filepath.Join(tmpDir, "stripped.o")
	if err := os.WriteFile(in, obj, 0o600); err != nil {
		return nil, fmt.Errorf("compile: cannot write %s (%v)", in, oneLine(err.Error()))
	}
	msg, err := exec.CommandContext(ctx, tc.Strip, "-g", in, "-o", out).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("compile: %s -g failed (%s): pass a clang whose llvm-strip works, or remove llvm-strip from PATH", tc.Strip, oneLine(firstNonEmpty(string(msg), err.Error())))
	}
	return os.ReadFile(out)
}

// logf writes a progress note; it never fails.
type logf func(format string, args ...any)
