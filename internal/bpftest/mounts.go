package bpftest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// privateEnv marks a test binary already running in a private mount namespace.
const privateEnv = "NOMIA_TEST_PRIVATE_MOUNTS"

// PrivateMounts runs the package's tests in a private mount namespace, so that the
// tracefs mounts, netns bind mounts and umounts they make stay invisible to the
// rest of the machine and vanish with the test process. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }
//
// The re-run binary also has asynchronous preemption off (see childEnv), so that
// tests may count the getpid calls of their own process. Without root or
// unshare(1) the tests run in place.
func PrivateMounts(m *testing.M) int {
	unshare, err := exec.LookPath("unshare")
	if os.Getenv(privateEnv) != "" || os.Geteuid() != 0 || err != nil {
		return m.Run()
	}
	args := append([]string{"-m", "--propagation", "private", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command(unshare, args...)
	cmd.Env = childEnv()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		os.Stderr.WriteString("bpftest: " + err.Error() + "\n")
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
	cmd.Env = childEnv(env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in a child process: %v\n%s", test, err, out)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skipf("%s skipped in the child:\n%s", test, out)
	}
	return string(out)
}

// noAsyncPreempt is the GODEBUG setting a re-run test binary gets. The runtime
// preempts a goroutine by signalling its thread with tgkill(getpid(), …), so with
// asynchronous preemption on, a GC stack scan or a sysmon preemption is a getpid
// call that a test counting its own getpid calls sees as one too many.
const noAsyncPreempt = "asyncpreemptoff=1"

// childEnv is the environment of a test binary re-run in a private mount
// namespace: this process's, marked private, with noAsyncPreempt added to
// GODEBUG, then extra.
func childEnv(extra ...string) []string {
	godebug := os.Getenv("GODEBUG")
	if !strings.Contains(godebug, noAsyncPreempt) {
		godebug = strings.TrimPrefix(godebug+","+noAsyncPreempt, ",")
	}
	env := append(os.Environ(), privateEnv+"=1", "GODEBUG="+godebug)
	return append(env, extra...)
}
