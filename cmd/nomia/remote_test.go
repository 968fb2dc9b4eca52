package main

import (
	"bufio"
	"encoding/json"
	"io"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// remote runs `nomia remote --server URL --token TOKEN args…` in process and
// returns its output.
func remote(t *testing.T, url, token string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	root.SetArgs(append([]string{"remote", "--server", url, "--token", token}, args...))
	var out, errOut strings.Builder
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.Execute()
	return out.String(), err
}

// TestRemoteCommands drives a real server through the CLI: start (building a
// .bpf.c here and uploading it, with a program flag after --), ps, logs,
// maps, inspect, pause, resume, stop.
func TestRemoteCommands(t *testing.T) {
	servertest.RequireKernel(t)
	ts := servertest.New(t, server.Config{Token: "cli-token", Log: log.New(io.Discard, "", 0)})
	url := ts.URL
	run := func(args ...string) string {
		t.Helper()
		out, err := remote(t, url, "cli-token", args...)
		if err != nil {
			t.Fatalf("remote %q: %v", args, err)
		}
		return out
	}

	src := filepath.Join("..", "..", "server", "testdata", "pgid.bpf.c")
	if out := run("start", src, "--name", "cli", "--", "--targ_pid", strconv.Itoa(os.Getpid())); out != "cli started: 1 program(s) attached\n" {
		t.Errorf("start printed %q", out)
	}
	if _, err := remote(t, url, "cli-token", "start", src, "--name", "cli"); err == nil || !strings.Contains(err.Error(), "exists") || strings.Contains(err.Error(), "\n") {
		t.Errorf("second start of the name: %v, want a one-line error saying it exists", err)
	}
	// --skip and --attach travel to the server's loader.
	if _, err := remote(t, url, "cli-token", "start", "--skip", "on_*", "--name", "skipped", src); err == nil || !strings.Contains(err.Error(), "every program of the object is disabled") {
		t.Errorf("start --skip 'on_*': %v, want the loader's error that every program is disabled", err)
	}
	if _, err := remote(t, url, "cli-token", "start", "--attach", "on_getpgid=/bin/true:main", "--name", "retargeted", src); err == nil || !strings.Contains(err.Error(), "only uprobe, uretprobe, kprobe and kretprobe programs take a target") {
		t.Errorf("start --attach of a tracepoint: %v, want the loader's refusal", err)
	}
	if _, err := remote(t, url, "wrong", "ps"); err == nil || !strings.Contains(err.Error(), "wrong token") {
		t.Errorf("ps with a wrong token: %v, want the server's 'wrong token'", err)
	}
	ps := run("ps")
	if lines := strings.Split(strings.TrimSpace(ps), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "cli ") || !strings.Contains(lines[1], " running ") {
		t.Errorf("ps printed %q, want a header and cli running", ps)
	}

	const marker = 90000001
	unix.Syscall(unix.SYS_GETPGID, marker, 0, 0)
	var logs string
	for !strings.Contains(logs, `"arg":90000001`) {
		logs = run("logs", "cli") // without -f: what the server holds now
	}
	var ev struct {
		Seq  uint64 `json:"seq"`
		Map  string `json:"map"`
		Data struct {
			PID int `json:"pid"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(logs, "\n", 2)[0]), &ev); err != nil || ev.Seq != 1 || ev.Map != "events" || ev.Data.PID != os.Getpid() {
		t.Errorf("logs printed %q (%v), want seq 1 from map events with our pid", logs, err)
	}
	if maps := run("maps", "cli", "calls"); maps != `{"map":"calls","key":90000001,"value":1}`+"\n" {
		t.Errorf("maps cli calls printed %q", maps)
	}
	var inspected struct {
		Programs []struct{ Section string }
	}
	if err := json.Unmarshal([]byte(run("inspect", "cli")), &inspected); err != nil || len(inspected.Programs) != 1 || inspected.Programs[0].Section != "tracepoint/syscalls/sys_enter_getpgid" {
		t.Errorf("inspect: %+v, %v; want the tracepoint attach point", inspected, err)
	}
	if out := run("pause", "cli"); out != "cli: paused\n" {
		t.Errorf("pause printed %q", out)
	}
	if out := run("resume", "cli"); out != "cli: resumed\n" {
		t.Errorf("resume printed %q", out)
	}
	// logs -f follows until the program stops.
	followed, w := io.Pipe()
	followDone := make(chan error, 1)
	go func() {
		root := newRootCmd()
		root.SetArgs([]string{"remote", "--server", url, "--token", "cli-token", "logs", "-f", "cli"})
		root.SetOut(w)
		root.SetErr(io.Discard)
		followDone <- root.Execute()
		w.Close()
	}()
	lines := bufio.NewScanner(followed)
	for lines.Scan() && !strings.Contains(lines.Text(), `"arg":90000001`) {
	}
	go io.Copy(io.Discard, followed)
	if out := run("stop", "cli"); out != "cli: stopped\n" {
		t.Errorf("stop printed %q", out)
	}
	if err := <-followDone; err != nil {
		t.Errorf("logs -f of a program that stopped: %v, want a clean end", err)
	}
	if ps := run("ps"); strings.Contains(ps, "cli") {
		t.Errorf("ps after stop printed %q", ps)
	}
}

// TestServeUsageErrors checks the daemon's flag checks, which fail before
// anything listens.
func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--state-dir", dir, "--tls-cert", "c.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"serve", "--state-dir", dir, "--no-auth", "--listen", "192.0.2.1:8527"}, "only loopback addresses may serve without a token"},
		{[]string{"serve", "--state-dir", dir, "--listen", "8527"}, "want host:port"},
		{[]string{"remote", "--server", "127.0.0.1:1", "--token", "x", "ps"}, "is `nomia serve` running there?"},
		{[]string{"remote", "start"}, "SOURCE missing"},
	} {
		root := newRootCmd()
		root.SetArgs(tc.args)
		root.SetOut(&strings.Builder{})
		root.SetErr(&strings.Builder{})
		err := root.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want one line containing %q", tc.args, err, tc.want)
		}
	}
}
