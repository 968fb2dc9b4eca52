package compat

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// eventTools are libbpf-tools that must print at least one event under the
// script's workload.
var eventTools = []string{
	"execsnoop", "exitsnoop", "opensnoop", "sigsnoop", "statsnoop", "mountsnoop",
	"syncsnoop", "tcpstates", "tcplife", "runqslower", "bashreadline", "biosnoop",
	"gethostlatency",
}

// mapTools keep their results in maps or globals (softirqs' .bss arrays),
// which nomia prints at exit; they must build, run to the end and print them.
var mapTools = []string{
	"runqlat", "cpudist", "hardirqs", "softirqs", "syscount", "biolatency",
	"bitesize", "wakeuptime", "offcputime", "futexctn", "memleak",
}

// row is one line of the script's Markdown table.
type row struct {
	Tool, Build, Run string
	Lines            int // -1 when the tool did not run
	Note             string
}

// parseTable reads the rows of the script's table, skipping its header, its
// separator and anything that is not a row.
func parseTable(out []byte) map[string]row {
	rows := map[string]row{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		cells := strings.Split(strings.Trim(sc.Text(), "|"), " | ")
		if len(cells) != 5 || strings.TrimSpace(cells[0]) == "tool" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		lines, err := strconv.Atoi(cells[3])
		if err != nil {
			lines = -1
		}
		rows[cells[0]] = row{cells[0], cells[1], cells[2], lines, cells[4]}
	}
	return rows
}

// toolsDir is the libbpf-tools checkout to test, or the test skips.
func toolsDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("loading eBPF needs root")
	}
	dir := os.Getenv("NOMIA_LIBBPF_TOOLS")
	if dir == "" {
		dir = "/tmp/bcc/libbpf-tools"
	}
	if _, err := os.Stat(filepath.Join(dir, "execsnoop.bpf.c")); err != nil {
		t.Skipf("no libbpf-tools sources at %s: set NOMIA_LIBBPF_TOOLS to a checkout of iovisor/bcc's libbpf-tools", dir)
	}
	for _, tool := range []string{"bash", "python3", "unshare", "dd", "timeout", "clang"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the workload needs %s, which is not on PATH", tool)
		}
	}
	return dir
}

// The must-pass tools build, run to the end, and the event tools print events.
func TestLibbpfToolsRun(t *testing.T) {
	dir := toolsDir(t)
	args := append([]string{"libbpf-tools.sh", dir}, eventTools...)
	args = append(args, mapTools...)
	out, err := exec.Command("bash", args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("libbpf-tools.sh: %v\n%s\n%s", err, out, ee.Stderr)
	} else if err != nil {
		t.Fatalf("libbpf-tools.sh: %v", err)
	}
	t.Logf("table:\n%s", out)
	rows := parseTable(out)
	for _, tool := range append(append([]string{}, eventTools...), mapTools...) {
		r, ok := rows[tool]
		switch {
		case !ok:
			t.Errorf("%s: no row in the table", tool)
		case r.Build != "ok" || r.Run != "ok":
			t.Errorf("%s: build %s, run %s: %s", tool, r.Build, r.Run, r.Note)
		}
	}
	for _, tool := range eventTools {
		if r := rows[tool]; r.Lines < 1 || !strings.HasPrefix(r.Note, "pass") {
			t.Errorf("%s printed %d event lines (%s), want at least one", tool, r.Lines, r.Note)
		}
	}
	for _, tool := range mapTools {
		if r := rows[tool]; r.Lines < 1 {
			t.Errorf("%s printed no maps (%s)", tool, r.Note)
		}
	}
	// syncsnoop carries the tracepoints of every architecture; those this
	// kernel lacks are skipped with a note instead of failing the run.
	if runtime.GOARCH == "amd64" && !strings.Contains(rows["syncsnoop"].Note, "skipped 2 program(s) whose hook this kernel lacks") {
		t.Errorf("syncsnoop: %s; want its two arm-only tracepoints skipped", rows["syncsnoop"].Note)
	}
}

// A filter global works as a program flag: opensnoop --targ_failed prints
// only opens that failed, among them the one this test makes fail.
func TestLibbpfToolsFilterFlag(t *testing.T) {
	dir := toolsDir(t)
	nomia := filepath.Join(t.TempDir(), "nomia")
	if out, err := exec.Command("go", "build", "-o", nomia, "../cmd/nomia").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pkg := filepath.Join(t.TempDir(), "opensnoop.json")
	if out, err := exec.Command(nomia, "build", "-I", dir, "-o", pkg, filepath.Join(dir, "opensnoop.bpf.c")).CombinedOutput(); err != nil {
		t.Fatalf("nomia build: %v\n%s", err, out)
	}
	missing := filepath.Join(t.TempDir(), "nomia-compat-missing")
	// The workload opens the missing file once a second after a pause that
	// lets nomia attach, and stops when nomia exits (its stdin closes).
	script := `sleep 1; while read -t 1 _ || [ $? -gt 128 ]; do cat "$0" /etc/hostname >/dev/null 2>&1; done`
	workload := exec.Command("bash", "-c", script, missing)
	run := exec.Command(nomia, "run", "-j", "--duration", "3s", pkg, "--targ_failed")
	stdin, err := workload.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := workload.Start(); err != nil {
		t.Fatal(err)
	}
	out, err := run.Output()
	stdin.Close()
	workload.Wait()
	if err != nil {
		t.Fatalf("nomia run: %v\n%s", err, out)
	}
	var events, ours int
	for line := range strings.Lines(string(out)) {
		var ev struct {
			Ret   int             `json:"ret"`
			Fname json.RawMessage `json:"fname"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON event: %q: %v", line, err)
		}
		events++
		if ev.Ret >= 0 {
			t.Errorf("--targ_failed printed a successful open: %s", line)
		}
		if strings.Contains(string(ev.Fname), "nomia-compat-missing") {
			ours++
		}
	}
	if events == 0 || ours == 0 {
		t.Errorf("%d events, %d of them the missing file; want the failed opens of the workload:\n%s", events, ours, out)
	}
}

// The script's table, as the test reads it: one row per tool.
func Example_table() {
	out := []byte(`| tool | build | run | output lines | note |
|---|---|---|---|---|
| execsnoop | ok | ok | 592 | pass |
| biosnoop | ok | refused | 0 | program blk_account_io_start (fentry/blk_account_io_start): the kernel refuses BPF trampoline programs |
`)
	rows := parseTable(out)
	fmt.Printf("%s: %s, %d lines\n", rows["execsnoop"].Tool, rows["execsnoop"].Note, rows["execsnoop"].Lines)
	fmt.Printf("%s: %s\n", rows["biosnoop"].Tool, rows["biosnoop"].Run)
	// Output:
	// execsnoop: pass, 592 lines
	// biosnoop: refused
}
