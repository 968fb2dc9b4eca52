package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/dashboard"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
)

// buildPackage compiles an example into a package.json file in a temporary
// directory, for the page to upload.
func buildPackage(t *testing.T, example string) string {
	t.Helper()
	pkg, err := compile.Build(context.Background(), compile.Options{Source: filepath.Join("..", "examples", example, example+".bpf.c")})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), example+".json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitUntil polls the page while act causes what the page should show;
// cond reads the page. The test's own deadline bounds it.
func waitUntil(t *testing.T, what string, act func(), cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 60s for the page to show %s", what)
		}
		act()
	}
}

// startFromUpload fills the start form with a package file, a name and
// flags, and submits it.
func startFromUpload(t *testing.T, ctx context.Context, pkgPath, name, args string) {
	t.Helper()
	do(t, ctx, "starting "+name,
		chromedp.SetUploadFiles(chromedp.ID("start-file"), []string{pkgPath}),
		chromedp.SetValue(chromedp.ID("start-name"), name),
		chromedp.SetValue(chromedp.ID("start-args"), args),
		chromedp.Click(chromedp.ID("start-button")))
}

// row is the selector of a program's row in the list.
func row(name string) string { return `#programs tr[data-name="` + name + `"]` }

// TestDashboardStartWatchStop drives the dashboard in headless Chromium
// against a real server with real programs: it enters the token (a wrong one
// first), starts opensnoop from an uploaded package, sees the path this test
// opens arrive in the live event table, sees the server's one-line error
// for a second start of the same name, starts readsize and reads its log2
// histogram of reads this test makes, stops both with the Stop buttons, and
// checks nothing is left loaded.
func TestDashboardStartWatchStop(t *testing.T) {
	servertest.RequireKernel(t)
	ctx := browser(t)
	opensnoop := buildPackage(t, "opensnoop")
	readsize := buildPackage(t, "readsize")
	bpftest.NoLeaks(t, "trace_enter_openat", "trace_exit_openat", "on_read")
	ts := servertest.New(t, server.Config{Dashboard: dashboard.Handler()})

	do(t, ctx, "opening the dashboard", chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("login")))
	do(t, ctx, "entering a wrong token",
		chromedp.SendKeys(chromedp.ID("token"), "wrong"), chromedp.Click(chromedp.ID("login-button")),
		chromedp.Poll[chromedp.Void](`document.getElementById("error").textContent.startsWith("wrong token")`))
	if got, want := text(t, ctx, "#error"), "wrong token: use the one in the server's state dir, file token"; got != want {
		t.Errorf("after a wrong token the page says %q, want the server's %q", got, want)
	}
	do(t, ctx, "entering the token",
		chromedp.SendKeys(chromedp.ID("token"), ts.Token()), chromedp.Click(chromedp.ID("login-button")),
		chromedp.WaitVisible(chromedp.ID("app")))
	if kept := eval[string](t, ctx, `sessionStorage.getItem("nomia.token")`); kept != ts.Token() {
		t.Errorf("sessionStorage holds token %q, want %q", kept, ts.Token())
	}

	// opensnoop, traced to this process: the page watches it once started.
	startFromUpload(t, ctx, opensnoop, "opens", "--targ_pid "+strconv.Itoa(os.Getpid()))
	do(t, ctx, "seeing opens listed and watched", chromedp.WaitVisible(chromedp.CSS(row("opens"))),
		chromedp.Poll[chromedp.Void](`document.getElementById("watch-name").textContent === "opens"`))
	if state := text(t, ctx, row("opens")+" td:nth-child(2)"); state != "running" {
		t.Errorf("opens listed as %q, want running", state)
	}
	if details := text(t, ctx, "#details"); !strings.Contains(details, "flags: --targ_pid "+strconv.Itoa(os.Getpid())) ||
		!strings.Contains(details, "trace_enter_openat at tracepoint/syscalls/sys_enter_openat") {
		t.Errorf("details of opens: %q, want its flags and attach points", details)
	}
	path := filepath.Join(t.TempDir(), "dashboard-sees-this")
	waitUntil(t, "the opened path "+path,
		func() { os.ReadFile(path) }, // it does not exist: a failed open is an event too
		func() bool { return strings.Contains(text(t, ctx, "#events tbody"), path) })
	if head := text(t, ctx, "#events thead"); !strings.Contains(head, "fname") || !strings.Contains(head, "pid") {
		t.Errorf("event columns %q, want the event's fields (pid, fname, ...)", head)
	}
	// The list updates in place: the counter moves, the buttons stay the
	// same elements (a click in progress survives the poll).
	stop := `document.querySelector('button[data-action="stop"][data-name="opens"]')`
	eval[string](t, ctx, stop+`.dataset.mark = "same"`)
	before := text(t, ctx, row("opens")+" td:nth-child(4)")
	waitUntil(t, "opens' event counter moving", func() { os.ReadFile(path) }, func() bool {
		now := text(t, ctx, row("opens")+" td:nth-child(4)")
		return now != before && now != "0"
	})
	if mark := eval[string](t, ctx, `(`+stop+`.dataset.mark || "replaced")`); mark != "same" {
		t.Error("a poll of the list replaced the Stop button of a program whose state did not change")
	}
	screenshot(t, ctx, "dashboard-events.png")

	// The table keeps at most "Rows kept" rows, newest first.
	do(t, ctx, "keeping 3 rows", chromedp.SetValue(chromedp.ID("row-cap"), "3"))
	more := filepath.Join(filepath.Dir(path), "more")
	waitUntil(t, "3 rows, the newest first", func() { os.ReadFile(more) }, func() bool {
		rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#events tbody tr")].map(r => r.textContent)`)
		return len(rows) == 3 && strings.Contains(rows[0], more) &&
			strings.Contains(text(t, ctx, "#event-count"), "3 shown")
	})

	// Pause and resume go through the API and show in the list.
	for _, step := range []struct{ button, state string }{{"pause", "paused"}, {"resume", "running"}} {
		do(t, ctx, step.button+" opens",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-action=%q][data-name="opens"]`, step.button))),
			chromedp.Poll[chromedp.Void](`(document.querySelector('`+row("opens")+` td:nth-child(2)') || {}).textContent === "`+step.state+`"`))
	}
	if p, err := ts.Client.Get(context.Background(), "opens"); err != nil || p.State != "running" {
		t.Errorf("opens after pause and resume: %+v (%v), want running", p, err)
	}

	// The same name again: the server refuses, the page shows its line.
	startFromUpload(t, ctx, opensnoop, "opens", "--only_failed")
	do(t, ctx, "seeing the conflict", chromedp.Poll[chromedp.Void](`!document.getElementById("error").hidden`))
	if got, want := text(t, ctx, "#error"), "start opens: a program of that name exists: stop it first or pick another name"; got != want {
		t.Errorf("second start of opens: page says %q, want %q", got, want)
	}

	// A path as a reference: the server resolves only URLs and OCI
	// references, and the page shows why in its one line.
	do(t, ctx, "starting from a path reference",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("start-file").value = ""`),
		chromedp.SetValue(chromedp.ID("start-source"), opensnoop),
		chromedp.Click(chromedp.ID("start-button")),
		chromedp.Poll[chromedp.Void](`document.getElementById("error").textContent.startsWith("start: source")`))
	if got := text(t, ctx, "#error"); !strings.Contains(got, "the server resolves only URLs and OCI references: upload the package instead") || strings.Contains(got, "\n") {
		t.Errorf("path reference: page says %q, want the server's one line", got)
	}
	do(t, ctx, "clearing the reference", chromedp.SetValue(chromedp.ID("start-source"), " "))

	// readsize, counting this test binary's reads: 7 reads of 3 MiB land in
	// the 2097152 -> 4194303 slot, which nothing else here asks for.
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	startFromUpload(t, ctx, readsize, "sizes", "--targ_comm "+strings.TrimSpace(string(comm)))
	do(t, ctx, "watching sizes", chromedp.Poll[chromedp.Void](`document.getElementById("watch-name").textContent === "sizes"`))
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer zero.Close()
	buf := make([]byte, 3<<20)
	for range 7 {
		if _, err := zero.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	slot := regexp.MustCompile(`(?m)^ +2097152 -> 4194303 +: (\d+) +\|(\*+) *\|$`)
	var hist string
	waitUntil(t, "the 3 MiB reads in the histogram", func() {}, func() bool {
		hist = text(t, ctx, `#maps pre[data-map="sizes"]`)
		m := slot.FindStringSubmatch(hist)
		return m != nil && m[1] == "7"
	})
	if !strings.Contains(hist, "     bytes") && !strings.Contains(hist, " : count    distribution") {
		t.Errorf("histogram has no BCC header line:\n%s", hist)
	}
	// bytes is a table keyed by a struct: its field is a column of its own.
	if head, cells := text(t, ctx, `#maps table[data-map="bytes"] thead`), text(t, ctx, `#maps table[data-map="bytes"] tbody`); head != "commvalue" || !strings.HasPrefix(cells, string(comm[:len(comm)-1])) {
		t.Errorf("bytes table: head %q, cells %q, want columns comm and value, and this test's comm", head, cells)
	}
	screenshot(t, ctx, "dashboard-histogram.png")

	for _, name := range []string{"opens", "sizes"} {
		do(t, ctx, "stopping "+name,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-action="stop"][data-name="%s"]`, name))),
			chromedp.WaitNotPresent(chromedp.CSS(row(name))))
	}
	if status := text(t, ctx, "#watch-status"); !strings.HasPrefix(status, "sizes stopped") {
		t.Errorf("after stopping the watched program the page says %q, want \"sizes stopped...\"", status)
	}
	if list, err := ts.Client.List(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("programs after stopping both: %v (%v), want none", list, err)
	}
}
