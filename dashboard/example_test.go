package dashboard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"nomia.dev/nomia/dashboard"
	"nomia.dev/nomia/server"
)

// Example mounts the dashboard on a server, as `nomia serve` does: the
// server answers /v1, /healthz and /metrics itself and hands every other
// path to the dashboard.
func Example() {
	srv, err := server.New(server.Config{Token: "secret", Dashboard: dashboard.Handler()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	page := httptest.NewRecorder()
	srv.Handler().ServeHTTP(page, httptest.NewRequest(http.MethodGet, "/", nil))
	api := httptest.NewRecorder()
	srv.Handler().ServeHTTP(api, httptest.NewRequest(http.MethodGet, "/v1/programs", nil))
	fmt.Println("GET /", page.Code, page.Header().Get("Content-Type"))
	fmt.Println("GET /v1/programs without the token", api.Code)
	// Output:
	// GET / 200 text/html; charset=utf-8
	// GET /v1/programs without the token 401
}
