package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corruptPackage writes a copy of pkg whose bpf_object is no longer valid
// base64, keeping the rest of the envelope intact.
func corruptPackage(t *testing.T, pkg string) string {
	t.Helper()
	data, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	var obj string
	if err := json.Unmarshal(env["bpf_object"], &obj); err != nil || len(obj) < 100 {
		t.Fatalf("%s: bpf_object is not a long string (%v)", pkg, err)
	}
	obj = obj[:len(obj)/2] + "!!~~not base64~~!!" + obj[len(obj)/2:]
	env["bpf_object"], _ = json.Marshal(obj)
	out, _ := json.Marshal(env)
	path := filepath.Join(t.TempDir(), "corrupt.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBadInputs checks that each mistake ends nomia with a non-zero status
// and exactly one line on stderr that names what was wrong.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "pktsnoop") // its ip_proto global is a __u8
	missing := filepath.Join(t.TempDir(), "no-such-package.json")
	cases := []struct {
		name    string
		args    []string
		mention string // the line must name this
	}{
		{"nonexistent source", []string{missing}, missing},
		{"corrupted base64", []string{corruptPackage(t, pkg)}, "base64"},
		{"unknown program flag", []string{pkg, "--no_such_flag", "1"}, "no_such_flag"},
		{"u8 out of range", []string{pkg, "--ip_proto", "300"}, "ip_proto"},
		{"skip of no program", []string{"--skip", "no_such_prog", pkg}, "no_such_prog"},
		{"unknown --map", []string{"--map", "no_such_map", pkg}, "no_such_map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// --duration: a CLI that wrongly accepted the input still ends.
			args := append([]string{"run", "--duration", "2s"}, c.args...)
			cmd := exec.CommandContext(ctx, nomiaBin, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() <= 0 {
				t.Fatalf("nomia %v: %v, want a non-zero exit\nstderr: %s", args, err, stderr.String())
			}
			msg := strings.TrimRight(stderr.String(), "\n")
			if msg == "" || strings.Contains(msg, "\n") {
				t.Errorf("stderr is not one line:\n%s", stderr.String())
			}
			if !strings.Contains(msg, c.mention) {
				t.Errorf("error %q does not mention %q", msg, c.mention)
			}
			if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
				t.Errorf("nomia panicked: %s", msg)
			}
		})
	}
}
