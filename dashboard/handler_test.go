package dashboard_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"nomia.dev/nomia/dashboard"
)

// get asks the handler for path and returns the answer and its body.
func get(t *testing.T, method, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	dashboard.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// TestHandlerServesThePage checks the page and its files are served with
// their types and the headers that keep the page self-contained.
func TestHandlerServesThePage(t *testing.T) {
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `<script src="app.js" defer></script>`},
		{"/app.js", "text/javascript", "function watch(name)"},
		{"/maps.js", "text/javascript", "const nomiaMaps"},
		{"/sse.js", "text/javascript", "class Parser"},
		{"/style.css", "text/css", "#events td"},
	} {
		res, body := get(t, http.MethodGet, tc.path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", tc.path, res.StatusCode)
			continue
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("GET %s: Content-Type %q, want %s", tc.path, ct, tc.ctype)
		}
		if !strings.Contains(body, tc.contains) {
			t.Errorf("GET %s: body lacks %q", tc.path, tc.contains)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q, want only same-origin sources", tc.path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", tc.path)
		}
	}
}

// TestHandlerRefusesOtherPathsAndMethods checks unknown files are 404 and
// that writes are refused with a one-line hint toward the API.
func TestHandlerRefusesOtherPathsAndMethods(t *testing.T) {
	if res, _ := get(t, http.MethodGet, "/nope.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope.js: status %d, want 404", res.StatusCode)
	}
	res, body := get(t, http.MethodPost, "/")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: status %d Allow %q, want 405 and GET, HEAD", res.StatusCode, res.Header.Get("Allow"))
	}
	if want := "POST /: method not allowed, the dashboard only serves pages (the API is under /v1)\n"; body != want {
		t.Errorf("POST /: body %q, want %q", body, want)
	}
}

// TestPageLoadsOnlyItsOwnFiles checks every file the page refers to is
// embedded, and that nothing is loaded from elsewhere: the machines nomia
// runs on often have no internet access.
func TestPageLoadsOnlyItsOwnFiles(t *testing.T) {
	_, page := get(t, http.MethodGet, "/")
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("index.html refers to %d files, want the stylesheet and 3 scripts", len(refs))
	}
	for _, ref := range refs {
		if res, _ := get(t, http.MethodGet, "/"+ref[1]); res.StatusCode != http.StatusOK {
			t.Errorf("index.html refers to %s, which answers %d", ref[1], res.StatusCode)
		}
	}
	err := fs.WalkDir(dashboard.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".html") {
			return err // the page's placeholders may show an example URL
		}
		b, err := fs.ReadFile(dashboard.Files(), path)
		if strings.Contains(string(b), "://") {
			t.Errorf("%s names an absolute URL: the dashboard must load nothing from elsewhere", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
