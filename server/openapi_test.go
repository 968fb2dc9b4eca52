package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes every
// route the server has, no other, and marks the open ones as needing no token.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
			var o struct {
				Security *[]any `json:"security"`
			}
			json.Unmarshal(op, &o)
			open := o.Security != nil && len(*o.Security) == 0
			if r := findRoute(strings.ToUpper(method), path); r != nil && r.open != open {
				t.Errorf("%s %s: documented open=%v, served open=%v", method, path, open, r.open)
			}
		}
	}
	for _, r := range routes {
		if !documented[r.method+" "+r.path] {
			t.Errorf("route %s %s is not in openapi.json", r.method, r.path)
		}
		delete(documented, r.method+" "+r.path)
	}
	for op := range documented {
		t.Errorf("openapi.json documents %s, which the server does not serve", op)
	}
}

func findRoute(method, path string) *route {
	for i := range routes {
		if routes[i].method == method && routes[i].path == path {
			return &routes[i]
		}
	}
	return nil
}
