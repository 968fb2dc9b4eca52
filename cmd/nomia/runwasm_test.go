package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// prctlMagic is the option the SDK's test probe (sdk/gen/testdata/probe.bpf.c)
// listens for in sys_enter_prctl.
const prctlMagic = 0x4e4f4d53

// buildCGuest builds the SDK's C test guest with `nomia build --wasm` and
// returns the module's path.
func buildCGuest(t *testing.T, c *cli) string {
	t.Helper()
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		t.Skip("wasi-libc is not installed: apt-get install wasi-libc libclang-rt-14-dev-wasm32 lld")
	}
	dir := guestProject(t, cGuestFiles...)
	c.must("build", "--wasm", dir)
	return filepath.Join(dir, "probe.wasm")
}

// TestRunWASM runs a wasm-bpf guest through `nomia run X.wasm -- ARGS`: its
// arguments reach it after --, the kernel's events reach its callbacks, its
// map operations work, and its exit code becomes nomia's.
func TestRunWASM(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to load eBPF programs")
	}
	c := newCLI(t)
	module := buildCGuest(t, c)

	// No arguments: the guest prints its usage and exits 2, and so does nomia.
	cmd := exec.Command(c.bin, "run", module)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || string(out) != "usage: main PID N MULTIPLIER\n" {
		t.Errorf("guest without arguments: %v, %q; want exit 2 and its usage", err, out)
	}

	cmd = exec.Command(c.bin, "run", "--duration", "60s", module, "--", strconv.Itoa(os.Getpid()), "3", "7")
	cmd.Env = c.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if sc.Text() == "attached" {
			for seq := 1; seq <= 3; seq++ {
				unix.Prctl(prctlMagic, uintptr(seq), 0, 0, 0)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("nomia run %s: %v\nstdout:\n%s\nstderr:\n%s", module, err, strings.Join(lines, "\n"), stderr.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"event pid=true seq=1 flag=11 comm=nomia.test value=7 neg=-1",
		"event pid=true seq=3 flag=11 comm=nomia.test value=21 neg=-3",
		"small seq=2 half=-200",
		"keys 3 sum 42 updated 42 deleted-lookup-not-exist true",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
