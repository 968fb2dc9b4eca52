package dashboard_test

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"nomia.dev/nomia/dashboard"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/servertest"
	"nomia.dev/nomia/version"
)

// page opens the dashboard, served alone, in a browser: enough to run its
// scripts' functions (API calls fail with the handler's 404s).
func page(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(dashboard.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// TestHistogramTextInBrowser checks what TestHistogramsMatchNomiaRun does
// not: an empty histogram, slot bounds past 2^53, and headers of struct keys
// whose fields clash.
func TestHistogramTextInBrowser(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, "opening the page", chromedp.Navigate(page(t).URL), chromedp.WaitReady(chromedp.ID("error")))
	if empty := eval[string](t, ctx, `nomiaMaps.text({unit: "usecs", buckets: []})`); empty != "" {
		t.Errorf("empty histogram drawn as %q, want nothing", empty)
	}
	// Past 2^53 JSON numbers round; the bounds come from the slot instead.
	if top := eval[string](t, ctx, `nomiaMaps.log2Bounds(63).join(" -> ")`); top != "9223372036854775808 -> 18446744073709551615" {
		t.Errorf("slot 63 bounds %s, want 2^63 -> 2^64-1", top)
	}
	// A struct key spreads into its fields, as libbpf-tools print them.
	for expr, want := range map[string]string{
		`{map: "m", pid: 42, comm: "sshd", hist: {}}`:                  "pid = 42 comm = sshd",
		`{map: "m", key: {pid: 42, comm: "sshd"}, total: 7, hist: {}}`: "pid = 42 comm = sshd total = 7",
		`{map: "m", key: {total: 1}, total: 7, hist: {}}`:              `key = {"total":1} total = 7`,
	} {
		if head := eval[string](t, ctx, "nomiaMaps.header("+expr+")"); head != want {
			t.Errorf("histogram header of %s: %q, want %q", expr, head, want)
		}
	}
}

// TestSSEParserInBrowser feeds the page's event-stream parser a stream cut
// at awkward places (mid-field, mid-line, CRLF endings) and checks each
// event's type, data and id, and that comments are skipped.
func TestSSEParserInBrowser(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, "opening the page", chromedp.Navigate(page(t).URL), chromedp.WaitReady(chromedp.ID("error")))
	got := eval[[]string](t, ctx, `(() => {
		const out = [];
		const p = new nomiaSSE.Parser((type, data, id) => out.push(type + "|" + data + "|" + id));
		for (const chunk of [": keep-alive\n\nid: 7\nevent: ev", "ent\ndata: {\"a\":1}\n", "\n",
			"event: gap\r\ndata:{\"missed\":2}\r\n\r\n", "data: x\ndata: y\n\nevent: end\n", "data: {}\n\n"]) p.feed(chunk);
		return out;
	})()`)
	want := []string{`event|{"a":1}|7`, `gap|{"missed":2}|null`, "message|x\ny|null", "end|{}|null"}
	if len(got) != len(want) {
		t.Fatalf("parsed %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestDashboardWithoutToken checks a server that needs no token (loopback,
// NoAuth) shows the dashboard at once, without asking for one.
func TestDashboardWithoutToken(t *testing.T) {
	ctx := browser(t)
	ts := servertest.New(t, server.Config{NoAuth: true, Dashboard: dashboard.Handler()})
	do(t, ctx, "opening the dashboard", chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("no-programs")))
	if hidden := eval[bool](t, ctx, `document.getElementById("login").hidden && document.getElementById("forget").hidden`); !hidden {
		t.Error("the page asks for a token the server does not need")
	}
	if got := text(t, ctx, "#health"); got != "version "+version.Version {
		t.Errorf("header says %q, want the server's version %s", got, version.Version)
	}
}
