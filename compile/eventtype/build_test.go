package eventtype

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// headerDir holds vmlinux.h generated from the running kernel's BTF, made once per
// test binary and removed by TestMain.
var (
	headerOnce sync.Once
	headerDir  string
	headerErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if headerDir != "" {
		os.RemoveAll(headerDir)
	}
	os.Exit(code)
}

// testClang is the compiler the fixtures are built with: NOMIA_TEST_CLANG (e.g.
// clang-19) or clang.
func testClang() string {
	if c := os.Getenv("NOMIA_TEST_CLANG"); c != "" {
		return c
	}
	return "clang"
}

// vmlinuxDir returns a directory with vmlinux.h, or skips the test saying what is
// missing.
func vmlinuxDir(t testing.TB) string {
	t.Helper()
	for _, tool := range []string{testClang(), "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: needed to compile BPF fixtures", tool)
		}
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("no kernel BTF at /sys/kernel/btf/vmlinux: needed to generate vmlinux.h")
	}
	headerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "eventtype-vmlinux-")
		if err != nil {
			headerErr = err
			return
		}
		headerDir = dir
		out, err := exec.Command("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c").Output()
		if err != nil {
			headerErr = fmt.Errorf("bpftool btf dump: %w", err)
			return
		}
		headerErr = os.WriteFile(filepath.Join(dir, "vmlinux.h"), out, 0o644)
	})
	if headerErr != nil {
		t.Fatalf("generate vmlinux.h: %v", headerErr)
	}
	return headerDir
}

// compileBPF compiles a .bpf.c file the way the brief's fixtures and libbpf-tools
// are built and returns the object bytes.
func compileBPF(t testing.TB, src string, extraFlags ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(src)+".o")
	args := []string{"-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86",
		"-I" + vmlinuxDir(t)}
	args = append(args, extraFlags...)
	args = append(args, "-I/usr/include/x86_64-linux-gnu", "-c", src, "-o", out)
	cmd := exec.Command(testClang(), args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clang %s: %v\n%s", src, err, msg)
	}
	obj, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// fixture compiles testdata/NAME.bpf.c.
func fixture(t testing.TB, name string, extraFlags ...string) []byte {
	t.Helper()
	return compileBPF(t, filepath.Join("testdata", name+".bpf.c"), extraFlags...)
}

// compileWithout compiles a fixture with one default flag removed.
func compileWithout(t testing.TB, name, drop string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name+".o")
	var args []string
	for _, a := range []string{"-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I" + vmlinuxDir(t), "-I/usr/include/x86_64-linux-gnu", "-c", filepath.Join("testdata", name+".bpf.c"), "-o", out} {
		if a != drop {
			args = append(args, a)
		}
	}
	if msg, err := exec.Command(testClang(), args...).CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, msg)
	}
	obj, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// compileSource compiles C source written inline in a test, with testdata on the
// include path for common.h.
func compileSource(t testing.TB, src string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inline.bpf.c")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return compileBPF(t, path, "-I"+abs)
}
