package compile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindToolchain(t *testing.T) {
	requireToolchain(t)
	tc, err := FindToolchain(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !isExecutable(tc.Clang) || !isExecutable(tc.Bpftool) {
		t.Errorf("clang %q or bpftool %q is not an executable", tc.Clang, tc.Bpftool)
	}
	if tc.ClangMajor < 11 {
		t.Errorf("clang major version %d: want one that reports ≥ 11 (BTF for globals)", tc.ClangMajor)
	}
	if tc.Strip != "" && !isExecutable(tc.Strip) {
		t.Errorf("llvm-strip %q is not an executable", tc.Strip)
	}
	if tc.MultiarchInclude != "" && !isFile(filepath.Join(tc.MultiarchInclude, "asm", "errno.h")) {
		t.Errorf("multiarch include %s has no asm/errno.h", tc.MultiarchInclude)
	}
	if tc.TargetArch == "" {
		t.Errorf("no __TARGET_ARCH_ value")
	}
}

func TestFindToolchainLibbpfFromIncludes(t *testing.T) {
	requireToolchain(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bpf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bpf", "bpf_helpers.h"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tc, err := FindToolchain(context.Background(), "", []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if tc.LibbpfInclude != "" {
		t.Errorf("a vendored libbpf in Includes needs no extra -I, got %q", tc.LibbpfInclude)
	}
}

func TestFindToolchainNamedClangMissing(t *testing.T) {
	_, err := FindToolchain(context.Background(), "clang-does-not-exist", nil)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "clang-does-not-exist") || !strings.Contains(err.Error(), "apt-get install clang") {
		t.Errorf("error %v: want one line naming the clang and the apt package", err)
	}
}

func TestTargetArchAndMultiarch(t *testing.T) {
	cases := map[string][2]string{
		"amd64": {"x86", "x86_64-linux-gnu"},
		"arm64": {"arm64", "aarch64-linux-gnu"},
		"s390x": {"s390", "s390x-linux-gnu"},
	}
	for goarch, want := range cases {
		if got := [2]string{targetArch(goarch), multiarch(goarch)}; got != want {
			t.Errorf("%s: got %v, want %v", goarch, got, want)
		}
	}
}
