package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"nomia.dev/nomia/registry/registrytest"
)

// cli runs a nomia binary built from this checkout, with a docker config and
// cache of the test's own.
type cli struct {
	t        *testing.T
	bin      string
	cacheDir string
	env      []string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH: these tests build the nomia binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nomia")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	docker := filepath.Join(dir, "docker")
	if err := os.Mkdir(docker, 0o700); err != nil {
		t.Fatal(err)
	}
	return &cli{t: t, bin: bin, cacheDir: filepath.Join(dir, "cache"),
		env: append(os.Environ(), "DOCKER_CONFIG="+docker, "XDG_CACHE_HOME="+filepath.Join(dir, "xdg"))}
}

// dockerConfig is the directory of the test's docker config.json.
func (c *cli) dockerConfig() string {
	for _, kv := range c.env {
		if v, ok := strings.CutPrefix(kv, "DOCKER_CONFIG="); ok {
			return v
		}
	}
	return ""
}

// run runs nomia with args and stdin; it returns stdout, stderr and whether
// it exited 0.
func (c *cli) run(stdin string, args ...string) (string, string, bool) {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err == nil
}

// must runs nomia and fails the test unless it succeeds.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	out, errOut, ok := c.run("", args...)
	if !ok {
		c.t.Fatalf("nomia %s: %s", strings.Join(args, " "), errOut)
	}
	return out
}

// buildTestPackage builds the registry tests' one-tracepoint package with
// nomia build.
func (c *cli) buildTestPackage() (string, []byte) {
	c.t.Helper()
	for _, tool := range []string{"clang", "bpftool"} {
		if _, err := exec.LookPath(tool); err != nil {
			c.t.Skipf("%s not installed: these tests build a package first", tool)
		}
	}
	path := filepath.Join(c.t.TempDir(), "package.json")
	c.must("build", "-o", path, "../../registry/testdata/getppid.bpf.c")
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	return path, data
}

// runEvent runs SOURCE with `nomia run -j`, makes this process call
// getppid(2) until an event arrives, and returns the first event's pid. The
// runner works in a private mount namespace, so a tracefs mount it may add
// disappears with it.
func (c *cli) runEvent(runnerArgs ...string) int {
	c.t.Helper()
	if os.Geteuid() != 0 {
		c.t.Skip("nomia run needs root")
	}
	args := append([]string{c.bin, "run", "-j", "--duration", "2m"}, runnerArgs...)
	args = append(args, "--targ_pid", strconv.Itoa(os.Getpid()))
	var cmd *exec.Cmd
	if unshare, err := exec.LookPath("unshare"); err == nil {
		cmd = exec.Command(unshare, append([]string{"-m", "--propagation", "private"}, args...)...)
	} else {
		cmd = exec.Command(args[0], args[1:]...)
	}
	cmd.Env = c.env
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	var stop atomic.Bool
	go func() {
		for !stop.Load() {
			syscall.Getppid()
		}
	}()
	defer stop.Store(true)
	sc := bufio.NewScanner(stdout)
	var ev struct{ PID int }
	got := sc.Scan()
	stop.Store(true)
	cmd.Process.Signal(os.Interrupt)
	// The runner may be blocked writing events we no longer read: drain them
	// so that it sees the interrupt and exits.
	go io.Copy(io.Discard, stdout)
	cmd.Wait()
	if !got {
		c.t.Fatalf("nomia %s: no event: %s", strings.Join(args[1:], " "), errOut.String())
	}
	if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
		c.t.Fatalf("event %q: %v", sc.Text(), err)
	}
	return ev.PID
}

// TestPushPullRunFromRegistry is the distribution round trip against a real
// registry: push a built package, pull it by tag and by digest (byte for
// byte), run it from the registry and from the cache with the registry gone.
func TestPushPullRunFromRegistry(t *testing.T) {
	c := newCLI(t)
	pkgPath, data := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{})
	ref := srv.Host + "/tools/getppid:v1"

	pinned := strings.TrimSpace(c.must("push", "-q", ref, pkgPath))
	if !strings.HasPrefix(pinned, srv.Host+"/tools/getppid@sha256:") {
		t.Fatalf("push printed %q, want the pinned reference", pinned)
	}
	out := filepath.Join(t.TempDir(), "out.json")
	c.must("pull", "-q", "--cache-dir", c.cacheDir, ref, "-o", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Errorf("pull -o: %d bytes differ from the %d pushed", len(got), len(data))
	}
	if got := c.must("pull", "--cache-dir", t.TempDir(), pinned, "-o", "-"); got != string(data) {
		t.Errorf("pull by digest to stdout: %d bytes differ from the %d pushed", len(got), len(data))
	}

	for _, src := range []string{ref, pinned} {
		if pid := c.runEvent("--cache-dir", t.TempDir(), src); pid != os.Getpid() {
			t.Errorf("run %s: event pid %d, want %d", src, pid, os.Getpid())
		}
	}

	srv.Stop()
	for _, pull := range []string{"missing", "never"} {
		if pid := c.runEvent("--cache-dir", c.cacheDir, "--pull", pull, ref); pid != os.Getpid() {
			t.Errorf("run --pull %s with the registry stopped: event pid %d", pull, pid)
		}
	}
	_, errOut, ok := c.run("", "run", "--cache-dir", c.cacheDir, "--pull", "always", ref)
	if ok || !strings.Contains(errOut, "cannot reach registry "+srv.Host) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("run --pull always with the registry stopped: ok %v, %q", ok, errOut)
	}
}

// TestPullTampered damages the pushed layer in the registry's storage: pull
// fails with one line that names the blob, and writes nothing.
func TestPullTampered(t *testing.T) {
	c := newCLI(t)
	pkgPath, data := c.buildTestPackage()
	srv := registrytest.Start(t, registrytest.Options{})
	ref := srv.Host + "/tools/getppid:v1"
	c.must("push", ref, pkgPath)

	// The layer is the package's bytes, so its digest is theirs.
	layer := "sha256:" + sha256Hex(data)
	path := srv.BlobPath(layer)
	blob, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blob[10] ^= 1
	if err := os.WriteFile(path, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.json")
	_, errOut, ok := c.run("", "pull", "--cache-dir", c.cacheDir, ref, "-o", out)
	if ok || !strings.Contains(errOut, layer+" from registry "+srv.Host+" does not match its digest") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("tampered pull: ok %v, %q", ok, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a tampered pull wrote its output")
	}
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
