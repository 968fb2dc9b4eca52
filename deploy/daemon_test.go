package deploy_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestDaemonRunsWithManifestArgs runs the real `nomia serve` with the
// container's args and its token variable, as the pod does, then moves only
// its address to a free loopback port and its state to a temporary
// directory (later flags win). It checks the probes' path answers without a
// token, the dashboard is served, the API takes the secret's token, and
// SIGTERM ends the daemon cleanly.
func TestDaemonRunsWithManifestArgs(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH: cannot build the CLI")
	}
	_, ds := manifest(t)
	c := ds.Spec.Template.Spec.Containers[0]
	bin := filepath.Join(t.TempDir(), "nomia")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/nomia").CombinedOutput(); err != nil {
		t.Fatalf("building the CLI: %v\n%s", err, out)
	}
	const token = "from-the-secret"
	args := append(append([]string{}, c.Args...), "--listen=127.0.0.1:0", "--state-dir="+t.TempDir())
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), c.Env[0].Name+"="+token)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	// The daemon names its address once it listens.
	log := bufio.NewReader(stderr)
	serving := regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+) \(token given\)`)
	var base string
	for base == "" {
		line, err := log.ReadString('\n')
		if err != nil {
			t.Fatalf("nomia %s exited before serving: %v (last line %q)", strings.Join(args, " "), err, line)
		}
		if m := serving.FindStringSubmatch(line); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, log)

	for _, tc := range []struct {
		path, token string
		status      int
		body        string
	}{
		{c.LivenessProbe.HTTPGet.Path, "", http.StatusOK, `"status":"ok"`},
		{"/", "", http.StatusOK, "<title>nomia</title>"},
		{"/v1/programs", "", http.StatusUnauthorized, "no token"},
		{"/v1/programs", token, http.StatusOK, `{"programs":[]}`},
	} {
		req, _ := http.NewRequest(http.MethodGet, base+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
			t.Errorf("GET %s (token %q): %d %s, want %d with %s", tc.path, tc.token, res.StatusCode, body, tc.status, tc.body)
		}
	}

	// Kubernetes stops a pod with SIGTERM: the daemon detaches and exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("nomia serve after SIGTERM: %v, want a clean exit", err)
	}
}
