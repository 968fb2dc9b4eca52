package symbolize

import (
	"bufio"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// build describes how the test target is compiled.
type build struct {
	pie   bool // position-independent executable
	strip bool // strip --strip-all the executable and the library
}

// builtTarget is a compiled testdata/target.c with its library.
type builtTarget struct {
	exe, libDir string
	// unstrippedExe and unstrippedLib keep the symbols, to look up what a
	// stripped file's functions were.
	unstrippedExe, unstrippedLib string
}

// buildTarget compiles testdata/target.c and testdata/lib.c (as
// libnomiasym.so) into a temporary directory, with frame pointers so the
// kernel can walk their stacks.
func buildTarget(t testing.TB, b build) builtTarget {
	t.Helper()
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang is not installed: needed to build the test target")
	}
	dir := t.TempDir()
	bt := builtTarget{
		exe:           filepath.Join(dir, "bin", "target"),
		libDir:        filepath.Join(dir, "lib"),
		unstrippedExe: filepath.Join(dir, "target.full"),
		unstrippedLib: filepath.Join(dir, "libnomiasym.so"),
	}
	for _, d := range []string{filepath.Dir(bt.exe), bt.libDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pie := []string{"-fno-pie", "-no-pie"}
	if b.pie {
		pie = []string{"-fPIE", "-pie"}
	}
	run(t, "clang", "-O0", "-fno-omit-frame-pointer", "-shared", "-fPIC", "-o", bt.unstrippedLib, "testdata/lib.c")
	run(t, "clang", append(pie, "-O0", "-fno-omit-frame-pointer", "-o", bt.unstrippedExe,
		"testdata/target.c", "-L"+dir, "-lnomiasym")...)
	for from, to := range map[string]string{bt.unstrippedExe: bt.exe, bt.unstrippedLib: filepath.Join(bt.libDir, "libnomiasym.so")} {
		if b.strip {
			run(t, "strip", "--strip-all", "-o", to, from)
		} else {
			run(t, "cp", from, to)
		}
	}
	return bt
}

// run runs a build command and fails the test with its output.
func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// target is a running test target.
type target struct {
	pid   int
	addrs map[string]uint64 // function name → address, as the process printed them
	in    io.WriteCloser
	out   *bufio.Reader
}

// start runs the executable exe with its library from libDir and reads the
// function addresses it prints. The process ends with the test.
func start(t testing.TB, exe, libDir string) *target {
	t.Helper()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+libDir)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	t.Cleanup(func() {
		in.Close() // the target exits at the end of its input
		if err := cmd.Wait(); err != nil {
			t.Errorf("test target: %v", err)
		}
	})
	tg := &target{pid: cmd.Process.Pid, addrs: map[string]uint64{}, in: in, out: bufio.NewReader(out)}
	line, err := tg.out.ReadString('\n')
	if err != nil {
		t.Fatalf("read the target's addresses: %v", err)
	}
	for _, f := range strings.Fields(line) { // "main=0x401136 outer=0x... ..."
		name, hex, _ := strings.Cut(f, "=")
		addr, err := strconv.ParseUint(strings.TrimPrefix(hex, "0x"), 16, 64)
		if err != nil {
			t.Fatalf("target printed %q: %v", line, err)
		}
		tg.addrs[name] = addr
	}
	return tg
}

// call makes the target run main → outer → inner once and waits for it.
func (tg *target) call(t testing.TB) {
	t.Helper()
	if _, err := io.WriteString(tg.in, "go\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := tg.out.ReadString('\n'); err != nil || line != "done\n" {
		t.Fatalf("target answered %q, %v; want done", line, err)
	}
}

// symbolValue returns the address of a symbol in an ELF file's own address
// space, as nm prints it.
func symbolValue(t testing.TB, file, name string) uint64 {
	t.Helper()
	f, err := elf.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("symbols of %s: %v", file, err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("%s has no symbol %s", file, name)
	return 0
}
