package server

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3 document of the API, served at /v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(OpenAPI)
}
