// Package attachtest holds test helpers shared by the attach and load tests:
// compiling BPF C against the running kernel's BTF, running a test binary in a
// private mount namespace, and checking that a test leaves no program or link
// loaded. It is for tests only.
package attachtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// Compile builds the BPF C file src with clang against a vmlinux.h generated
// from /sys/kernel/btf/vmlinux into a temporary directory, and returns (a copy
// of) the object's collection spec; the result is reused within the process. defines are passed as -D flags. The test is skipped
// when clang or bpftool is missing, or when the kernel has no BTF.
func Compile(t testing.TB, src string, defines ...string) *ebpf.CollectionSpec {
	t.Helper()
	key := strings.Join(append([]string{src}, defines...), "\x00")
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if spec, ok := cache[key]; ok {
		return spec.Copy()
	}
	clang, bpftool := lookTool(t, "clang"), lookTool(t, "bpftool")
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("kernel has no BTF at /sys/kernel/btf/vmlinux")
	}
	dir := t.TempDir()
	header, err := exec.Command(bpftool, "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c").Output()
	if err != nil {
		t.Fatalf("bpftool btf dump: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vmlinux.h"), header, 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".c")+".o")
	args := []string{"-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I" + dir, "-c", src, "-o", obj}
	for _, d := range defines {
		args = append(args, "-D"+d)
	}
	if out, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		t.Fatalf("clang %s: %v\n%s", src, err, out)
	}
	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		t.Fatalf("load spec of %s: %v", obj, err)
	}
	cache[key] = spec
	return spec.Copy()
}

// cache keeps compiled specs for the life of the test process: compiling
// against a 3 MB vmlinux.h takes about a second.
var (
	cacheMu sync.Mutex
	cache   = map[string]*ebpf.CollectionSpec{}
)

// lookTool finds a tool in $PATH or skips the test.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return p
}

// privateEnv marks a test binary already running in a private mount namespace.
const privateEnv = "NOMIA_TEST_PRIVATE_MOUNTS"

// PrivateMounts runs the package's tests in a private mount namespace, so that the
// tracefs mounts, netns bind mounts and umounts they make stay invisible to the
// rest of the machine and vanish with the test process. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(attachtest.PrivateMounts(m)) }
//
// Without root or unshare(1) the tests run in place.
func PrivateMounts(m *testing.M) int {
	unshare, err := exec.LookPath("unshare")
	if os.Getenv(privateEnv) != "" || os.Geteuid() != 0 || err != nil {
		return m.Run()
	}
	args := append([]string{"-m", "--propagation", "private", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), privateEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		os.Stderr.WriteString("attachtest: " + err.Error() + "\n")
		return 1
	}
	return 0
}

// InChild runs the single test named test of the current test binary in a fresh
// process in its own private mount namespace, with env (e.g. "FLAG=1") added, and
// fails t if it fails. The child starts with no cached state, which tests of
// process-wide, once-only set-up need.
func InChild(t *testing.T, test string, env ...string) string {
	t.Helper()
	unshare := lookTool(t, "unshare")
	cmd := exec.Command(unshare, "-m", "--propagation", "private", os.Args[0], "-test.run=^"+test+"$", "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), privateEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in a child process: %v\n%s", test, err, out)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skipf("%s skipped in the child:\n%s", test, out)
	}
	return string(out)
}

// NoLeaks records the kernel's program and link IDs now and, when the test ends,
// fails it if a program named in names (or a link to one) appeared and is still
// there. Names filter out programs that other processes load meanwhile; the
// kernel keeps the first 15 bytes of a program's name.
func NoLeaks(t testing.TB, names ...string) {
	t.Helper()
	before := programIDs(t)
	ours := map[string]bool{}
	for _, n := range names {
		ours[truncate(n)] = true
	}
	t.Cleanup(func() {
		var leaked []string
		leakedIDs := map[ebpf.ProgramID]bool{}
		// Detaching happens in the kernel after close returns for some link
		// kinds, so give it a moment before calling it a leak.
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			leaked = leaked[:0]
			clear(leakedIDs)
			for id := range programIDs(t) {
				if before[id] {
					continue
				}
				p, err := ebpf.NewProgramFromID(id)
				if err != nil {
					continue
				}
				info, err := p.Info()
				p.Close()
				if err == nil && ours[info.Name] {
					leaked = append(leaked, info.Name)
					leakedIDs[id] = true
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(leaked) > 0 {
			t.Errorf("programs left loaded after the test: %v, with %d link(s) to them", leaked, linksTo(leakedIDs))
		}
	})
}

// truncate shortens a program name the way the kernel stores it.
func truncate(name string) string {
	if len(name) > 15 {
		return name[:15]
	}
	return name
}

// programIDs lists the IDs of all loaded programs.
func programIDs(t testing.TB) map[ebpf.ProgramID]bool {
	ids := map[ebpf.ProgramID]bool{}
	for id := ebpf.ProgramID(0); ; {
		next, err := ebpf.ProgramGetNextID(id)
		if errors.Is(err, os.ErrNotExist) {
			return ids
		}
		if err != nil {
			t.Fatalf("listing programs: %v", err)
		}
		ids[next], id = true, next
	}
}

// linksTo counts the kernel's links to the given programs.
func linksTo(progs map[ebpf.ProgramID]bool) int {
	n := 0
	it := new(link.Iterator)
	defer it.Close()
	for it.Next() {
		if info, err := it.Link.Info(); err == nil && progs[info.Program] {
			n++
		}
	}
	return n
}
