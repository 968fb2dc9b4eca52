package server_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// call sends one request and returns the status and the error message.
func call(t *testing.T, ts *servertest.Server, method, path, contentType, body string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer test-token")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e api.Error
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &e); err != nil || e.Error == "" || strings.Contains(e.Error, "\n") {
			t.Errorf("%s %s: %s: body %q is not a one-line JSON error", method, path, resp.Status, b)
		}
	}
	return resp.StatusCode, e.Error, resp.Header
}

// TestRequestErrors checks that bad requests get a 4xx whose message names
// the problem. None of them reaches the kernel.
func TestRequestErrors(t *testing.T) {
	ts := servertest.New(t, server.Config{MaxBodyBytes: 1 << 10})
	const programs = "/v1/programs"
	const pkg = `{"bpf_object":"","bpf_object_size":0,"meta":{}}`
	for _, c := range []struct {
		name, method, path, ctype, body string
		header                          map[string]string
		status                          int
		says                            string
	}{
		{"no token", "GET", programs, "", "", map[string]string{"Authorization": ""}, 401, "no token"},
		{"wrong token", "GET", programs, "", "", map[string]string{"Authorization": "Bearer nope"}, 401, "wrong token"},
		{"metrics need the token", "GET", "/metrics", "", "", map[string]string{"Authorization": ""}, 401, "no token"},
		{"unknown field", "POST", programs, "application/json", `{"nme":"x"}`, nil, 400, `unknown field "nme"`},
		{"wrong type", "POST", programs, "application/json", `{"name":5}`, nil, 400, `field "name"`},
		{"trailing data", "POST", programs, "application/json", `{"name":"x"} {}`, nil, 400, "data after the JSON object"},
		{"not JSON", "POST", programs, "application/json", `{"name":`, nil, 400, "request body"},
		{"empty body", "POST", programs, "", "", nil, 400, "empty"},
		{"too large", "POST", programs, "application/json", `{"name":"` + strings.Repeat("x", 2000) + `"}`, nil, 413, "limit of 1024 bytes"},
		{"wrong content type", "POST", programs, "text/plain", `{}`, nil, 415, "application/json"},
		{"bad name", "POST", programs, "", `{"name":"../x","source":"oci.example/x:1"}`, nil, 400, `name "../x"`},
		{"neither package nor source", "POST", programs, "", `{"name":"x"}`, nil, 400, "exactly one of"},
		{"both package and source", "POST", programs, "", `{"source":"oci.example/x:1","package":` + pkg + `}`, nil, 400, "exactly one of"},
		{"stdin source", "POST", programs, "", `{"source":"-"}`, nil, 400, "standard input"},
		{"server path source", "POST", programs, "", `{"source":"/etc/passwd"}`, nil, 400, "upload the package"},
		{"broken package", "POST", programs, "", `{"package":{"bpf_object":"!!"}}`, nil, 400, "uploaded package"},
		{"unknown program", "GET", programs + "/ghost", "", "", nil, 404, "ghost"},
		{"stop unknown program", "DELETE", programs + "/ghost", "", "", nil, 404, "ghost"},
		{"events of unknown program", "GET", programs + "/ghost/events", "", "", nil, 404, "ghost"},
		{"unknown call", "GET", "/v1/nothing", "", "", nil, 404, "no such API call"},
		{"wrong method", "PUT", programs, "", "", nil, 405, "use GET or POST"},
		{"outside the API", "GET", "/index.html", "", "", nil, 404, "under /v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, msg, _ := call(t, ts, c.method, c.path, c.ctype, c.body, c.header)
			if status != c.status || !strings.Contains(msg, c.says) {
				t.Errorf("%s %s: %d %q, want %d saying %q", c.method, c.path, status, msg, c.status, c.says)
			}
		})
	}
}

// TestOpenEndpoints checks what needs no token: health and the OpenAPI
// document.
func TestOpenEndpoints(t *testing.T) {
	ts := servertest.New(t, server.Config{})
	h, err := ts.Client.Health(t.Context())
	if err != nil || h.Status != "ok" || h.Programs != 0 {
		t.Errorf("health %+v, %v; want ok with 0 programs", h, err)
	}
	status, _, hdr := call(t, ts, "GET", "/v1/openapi.json", "", "", map[string]string{"Authorization": ""})
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Errorf("openapi.json without a token: %d %s, want 200 application/json", status, hdr.Get("Content-Type"))
	}
}

// TestNoAuthOnlyOnLoopback checks that a server without a token refuses a
// listener that is not loopback, and serves loopback without a token.
func TestNoAuthOnlyOnLoopback(t *testing.T) {
	s, err := server.New(server.Config{NoAuth: true, Log: servertest.Log(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Tests bind loopback only: the listener claims a documentation address.
	ln = publicAddr{ln}
	defer ln.Close()
	err = s.Serve(t.Context(), ln, "", "")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("NoAuth on %s: %v, want a refusal naming loopback", ln.Addr(), err)
	}

	ts := servertest.New(t, server.Config{NoAuth: true})
	if list, err := ts.Client.List(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("NoAuth on loopback: list %v, %v; want an empty list", list, err)
	}
	if _, err := server.New(server.Config{Log: servertest.Log(t)}); err == nil {
		t.Error("a server with no token, no state dir and no NoAuth was created")
	}
}

// TestDashboardMount checks that Config.Dashboard serves what the API does
// not.
func TestDashboardMount(t *testing.T) {
	ts := servertest.New(t, server.Config{Dashboard: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "dashboard at "+r.URL.Path)
	})})
	req, _ := http.NewRequest("GET", ts.URL+"/app/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "dashboard at /app/" {
		t.Errorf("GET /app/: %q, want the dashboard's answer", b)
	}
	if status, _, _ := call(t, ts, "GET", "/v1/programs", "", "", nil); status != 200 {
		t.Errorf("the API under a dashboard: %d, want 200", status)
	}
}

// publicAddr is a listener that reports a non-loopback address.
type publicAddr struct{ net.Listener }

func (publicAddr) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 8527} }
