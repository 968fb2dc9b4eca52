package bpftest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cilium/ebpf"
)

// kernelBTF is the running kernel's BTF, from which vmlinux.h is generated.
const kernelBTF = "/sys/kernel/btf/vmlinux"

// Options changes how Object compiles a file.
type Options struct {
	// Flags are added to clang's command line after the defaults, e.g.
	// "-gdwarf-4", "-DNAME=1" or "-Idir".
	Flags []string
	// Omit lists default flags to leave out, e.g. "-g" to build an object
	// without debug information.
	Omit []string
}

// Clang is the compiler the helpers run: $NOMIA_TEST_CLANG (e.g. clang-19, to
// test what another clang version emits) or clang.
func Clang() string {
	if c := os.Getenv("NOMIA_TEST_CLANG"); c != "" {
		return c
	}
	return "clang"
}

// Object compiles the BPF C file src the way libbpf-tools are built (clang -O2
// -g -target bpf -D__TARGET_ARCH_<arch>) with a vmlinux.h generated from
// /sys/kernel/btf/vmlinux and the multiarch include directory on the include
// path, and returns the object's bytes. Objects are reused within the process,
// keyed by the source's content and the options. The test is skipped when
// clang or bpftool is missing or the kernel has no BTF, and fails when clang
// fails.
func Object(t testing.TB, src string, opts Options) []byte {
	t.Helper()
	obj, _ := object(t, src, opts)
	return bytes.Clone(obj)
}

// object compiles src as Object says and returns the cached object, not a copy,
// with its cache key.
func object(t testing.TB, src string, opts Options) (obj []byte, key string) {
	t.Helper()
	code, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("read BPF source: %v", err)
	}
	sum := sha256.Sum256(code)
	key = strings.Join(slices.Concat([]string{Clang(), src, hex.EncodeToString(sum[:])},
		opts.Flags, []string{"\x01"}, opts.Omit), "\x00")
	if obj, ok := objects.get(key); ok {
		return obj, key
	}
	clang := lookTool(t, Clang())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "vmlinux.h"), vmlinuxHeader(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".c")+".o")
	arch, multiarch := targetArch()
	var args []string
	for _, a := range []string{"-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_" + arch, "-I" + dir} {
		if !slices.Contains(opts.Omit, a) {
			args = append(args, a)
		}
	}
	args = append(args, opts.Flags...)
	args = append(args, "-I/usr/include/"+multiarch, "-c", src, "-o", out)
	if msg, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", Clang(), src, err, msg)
	}
	obj, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	objects.put(key, obj)
	return obj, key
}

// Compile builds src with Object, with defines passed as -D flags, and returns
// (a copy of) the object's collection spec, which the caller may change.
func Compile(t testing.TB, src string, defines ...string) *ebpf.CollectionSpec {
	t.Helper()
	flags := make([]string, len(defines))
	for i, d := range defines {
		flags[i] = "-D" + d
	}
	obj, key := object(t, src, Options{Flags: flags})
	if spec, ok := specs.get(key); ok {
		return spec.Copy()
	}
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		t.Fatalf("load spec of %s: %v", src, err)
	}
	specs.put(key, spec)
	return spec.Copy()
}

// targetArch names the running architecture as bpf_tracing.h's __TARGET_ARCH_
// macros and Debian's multiarch include directory (which holds asm/types.h)
// spell it.
func targetArch() (arch, multiarch string) {
	if runtime.GOARCH == "arm64" {
		return "arm64", "aarch64-linux-gnu"
	}
	return "x86", "x86_64-linux-gnu"
}

// vmlinuxHeader returns vmlinux.h for the running kernel, generated once per
// process: compiling is frequent and the kernel does not change under a test.
func vmlinuxHeader(t testing.TB) []byte {
	t.Helper()
	bpftool := lookTool(t, "bpftool")
	if _, err := os.Stat(kernelBTF); err != nil {
		t.Skipf("kernel has no BTF at %s: needed to generate vmlinux.h", kernelBTF)
	}
	header.Lock()
	defer header.Unlock()
	if header.text == nil {
		text, err := exec.Command(bpftool, "btf", "dump", "file", kernelBTF, "format", "c").Output()
		if err != nil {
			t.Fatalf("bpftool btf dump: %v", err)
		}
		header.text = text
	}
	return header.text
}

var header struct {
	sync.Mutex
	text []byte
}

// cache keeps compiled objects and specs for the life of the test process:
// compiling against a 3 MB vmlinux.h takes about a second. Compilation runs
// outside the lock, so parallel tests compile different files at once.
type cache[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (c *cache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *cache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]V{}
	}
	c.m[key] = v
}

var (
	objects cache[[]byte]
	specs   cache[*ebpf.CollectionSpec]
)
