package compile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// Toolchain is the set of external tools and header directories a build uses.
type Toolchain struct {
	// Clang is the path of the clang binary.
	Clang string
	// ClangMajor is clang's major version, 0 when `clang --version` did not say.
	ClangMajor int
	// Strip is an llvm-strip matching clang's version; "" when none was found,
	// in which case objects ship with their DWARF.
	Strip string
	// Bpftool is the path of bpftool, which writes vmlinux.h.
	Bpftool string
	// LibbpfInclude is a directory holding bpf/bpf_helpers.h, or "" when the
	// headers are in a directory clang searches anyway (/usr/include).
	LibbpfInclude string
	// MultiarchInclude is /usr/include/<multiarch triplet> (asm/errno.h …), or ""
	// when the directory does not exist.
	MultiarchInclude string
	// TargetArch is the value of __TARGET_ARCH_<arch> that libbpf's
	// bpf_tracing.h needs, e.g. "x86" or "arm64".
	TargetArch string
}

// clangCandidates is the search order when no clang is named: the unversioned
// name first (the distribution default), then the newest versioned one.
var clangCandidates = []string{"clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"}

// FindToolchain locates clang (the named one, or the first of clang, clang-19 …
// clang-14 on PATH), a matching llvm-strip, bpftool and libbpf's headers.
// extraIncludes are searched for bpf/bpf_helpers.h before the system
// directories, so a vendored libbpf counts. Each missing piece is a one-line
// error naming the package that provides it.
func FindToolchain(ctx context.Context, clang string, extraIncludes []string) (*Toolchain, error) {
	tc := &Toolchain{TargetArch: targetArch(runtime.GOARCH)}
	var err error
	if tc.Clang, err = findClang(clang); err != nil {
		return nil, err
	}
	tc.ClangMajor = clangMajor(ctx, tc.Clang)
	tc.Strip = findStrip(tc.Clang, tc.ClangMajor)
	if tc.Bpftool, err = lookPath("bpftool", "/usr/sbin/bpftool", "/sbin/bpftool"); err != nil {
		return nil, fmt.Errorf("compile: bpftool not found (it writes vmlinux.h from the kernel's BTF): install it (apt-get install bpftool)")
	}
	if tc.LibbpfInclude, err = findLibbpf(ctx, extraIncludes); err != nil {
		return nil, err
	}
	if dir := filepath.Join("/usr/include", multiarch(runtime.GOARCH)); multiarch(runtime.GOARCH) != "" && isDir(dir) {
		tc.MultiarchInclude = dir
	}
	return tc, nil
}

func findClang(name string) (string, error) {
	if name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("compile: clang not found (%q): install it (apt-get install clang) or name another with --clang", name)
		}
		return path, nil
	}
	for _, c := range clangCandidates {
		if path, err := exec.LookPath(c); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("compile: clang not found on PATH (tried %s): install it (apt-get install clang)", strings.Join(clangCandidates, ", "))
}

var clangVersionRE = regexp.MustCompile(`clang version (\d+)\.`)

func clangMajor(ctx context.Context, clang string) int {
	out, err := exec.CommandContext(ctx, clang, "--version").Output()
	if err != nil {
		return 0
	}
	m := clangVersionRE.FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// findStrip prefers an llvm-strip of the same LLVM release as clang: an older
// llvm-strip may not understand a newer clang's BTF or DWARF sections.
func findStrip(clang string, major int) string {
	if real, err := filepath.EvalSymlinks(clang); err == nil {
		// /usr/bin/clang-14 → /usr/lib/llvm-14/bin/clang: its neighbour is exact.
		if p := filepath.Join(filepath.Dir(real), "llvm-strip"); isExecutable(p) {
			return p
		}
	}
	if major > 0 {
		if p, err := exec.LookPath(fmt.Sprintf("llvm-strip-%d", major)); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("llvm-strip"); err == nil {
		return p
	}
	return ""
}

func lookPath(name string, fallbacks ...string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	// sbin is often missing from a non-root PATH, where bpftool lives.
	for _, p := range fallbacks {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

const libbpfMissing = "compile: libbpf headers not found (bpf/bpf_helpers.h): install libbpf-dev (apt-get install libbpf-dev)"

func findLibbpf(ctx context.Context, extra []string) (string, error) {
	has := func(dir string) bool { return isFile(filepath.Join(dir, "bpf", "bpf_helpers.h")) }
	for _, dir := range extra {
		if has(dir) {
			// Already on the include path through Options.Includes.
			return "", nil
		}
	}
	if has("/usr/include") {
		return "", nil
	}
	if has("/usr/local/include") {
		return "/usr/local/include", nil
	}
	if out, err := exec.CommandContext(ctx, "pkg-config", "--cflags-only-I", "libbpf").Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if dir, ok := strings.CutPrefix(f, "-I"); ok && has(dir) {
				return dir, nil
			}
		}
	}
	return "", errors.New(libbpfMissing)
}

// targetArch maps GOARCH to the __TARGET_ARCH_ suffix of libbpf's bpf_tracing.h.
func targetArch(goarch string) string {
	switch goarch {
	case "amd64", "386":
		return "x86"
	case "arm64":
		return "arm64"
	case "arm":
		return "arm"
	case "ppc64", "ppc64le":
		return "powerpc"
	case "s390x":
		return "s390"
	case "riscv64":
		return "riscv"
	case "mips", "mipsle", "mips64", "mips64le":
		return "mips"
	case "loong64":
		return "loongarch"
	}
	return goarch
}

// multiarch maps GOARCH to Debian's multiarch triplet, whose include directory
// holds asm/*.h (libbpf-tools include asm/errno.h).
func multiarch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64-linux-gnu"
	case "386":
		return "i386-linux-gnu"
	case "arm64":
		return "aarch64-linux-gnu"
	case "arm":
		return "arm-linux-gnueabihf"
	case "ppc64le":
		return "powerpc64le-linux-gnu"
	case "s390x":
		return "s390x-linux-gnu"
	case "riscv64":
		return "riscv64-linux-gnu"
	case "loong64":
		return "loongarch64-linux-gnu"
	}
	return ""
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
