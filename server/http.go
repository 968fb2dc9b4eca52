package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/version"
)

// route is one API call: its method and path pattern, whether it needs the
// token, and its handler. The table is what the OpenAPI test checks against.
type route struct {
	method, path string
	open         bool
	handler      func(s *Server) http.Handler
}

func (s *Server) onProgram(h func(*Server, http.ResponseWriter, *http.Request, *program)) http.Handler {
	return s.withProgram(func(w http.ResponseWriter, r *http.Request, p *program) { h(s, w, r, p) })
}

func plain(h func(*Server, http.ResponseWriter, *http.Request)) func(*Server) http.Handler {
	return func(s *Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(s, w, r) })
	}
}

func named(h func(*Server, http.ResponseWriter, *http.Request, *program)) func(*Server) http.Handler {
	return func(s *Server) http.Handler { return s.onProgram(h) }
}

// routes are the API's calls.
var routes = []route{
	{"GET", "/healthz", true, plain((*Server).health)},
	{"GET", "/v1/openapi.json", true, plain((*Server).serveOpenAPI)},
	{"GET", "/metrics", false, (*Server).metricsHandler},
	{"GET", "/v1/programs", false, plain((*Server).listPrograms)},
	{"POST", "/v1/programs", false, plain((*Server).startProgram)},
	{"GET", "/v1/programs/{name}", false, named((*Server).inspectProgram)},
	{"DELETE", "/v1/programs/{name}", false, plain((*Server).stopProgram)},
	{"POST", "/v1/programs/{name}/pause", false, named((*Server).pause)},
	{"POST", "/v1/programs/{name}/resume", false, named((*Server).resume)},
	{"GET", "/v1/programs/{name}/events", false, named((*Server).streamEvents)},
	{"GET", "/v1/programs/{name}/maps", false, named((*Server).readMaps)},
	{"GET", "/v1/programs/{name}/maps/{map}", false, named((*Server).readMap)},
	{"GET", "/v1/programs/{name}/snapshots", false, named((*Server).streamSnapshots)},
}

// handlerFor builds the API's handler. /healthz and the OpenAPI document need
// no token; everything else under /v1, and /metrics, does.
func (s *Server) handlerFor() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		h := rt.handler(s)
		if !rt.open {
			h = s.authorize(h)
		}
		mux.Handle(rt.method+" "+rt.path, h)
	}
	mux.HandleFunc("/v1/", notFound(mux))
	if s.cfg.Dashboard != nil {
		mux.Handle("/", s.cfg.Dashboard)
	} else {
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, errorf(http.StatusNotFound, "%s: not found (the API is under /v1, see GET /v1/openapi.json)", r.URL.Path))
		})
	}
	return mux
}

// notFound answers a /v1 request no route took: 405 naming the allowed
// methods when the path exists for other methods, else 404.
func notFound(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); strings.HasPrefix(pattern, m+" ") {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, errorf(http.StatusMethodNotAllowed, "%s %s: method not allowed, use %s (see GET /v1/openapi.json)", r.Method, r.URL.Path, strings.Join(allowed, " or ")))
			return
		}
		writeError(w, errorf(http.StatusNotFound, "%s %s: no such API call (see GET /v1/openapi.json)", r.Method, r.URL.Path))
	}
}

// authorize requires the bearer token, compared in constant time.
func (s *Server) authorize(next http.Handler) http.Handler {
	if s.cfg.NoAuth {
		return next
	}
	want := []byte("Bearer " + s.token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		if got == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="nomia"`)
			writeError(w, errorf(http.StatusUnauthorized, "no token: send \"Authorization: Bearer TOKEN\" (the token is in the server's state dir, file token)"))
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="nomia", error="invalid_token"`)
			writeError(w, errorf(http.StatusUnauthorized, "wrong token: use the one in the server's state dir, file token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withProgram finds the program the path names, or answers 404.
func (s *Server) withProgram(h func(http.ResponseWriter, *http.Request, *program)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.get(r.PathValue("name"))
		if err != nil {
			writeError(w, err)
			return
		}
		h(w, r, p)
	})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.programs)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, api.Health{Status: "ok", Programs: n, Version: version.Version})
}

func (s *Server) listPrograms(w http.ResponseWriter, r *http.Request) {
	list := api.ProgramList{Programs: []api.Program{}}
	for _, p := range s.list() {
		list.Programs = append(list.Programs, p.describe())
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) startProgram(w http.ResponseWriter, r *http.Request) {
	var req api.StartRequest
	if err := s.decodeBody(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	p, err := s.start(r.Context(), &req)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Location", "/v1/programs/"+p.name)
	writeJSON(w, http.StatusCreated, p.describe())
}

func (s *Server) inspectProgram(w http.ResponseWriter, r *http.Request, p *program) {
	writeJSON(w, http.StatusOK, p.describe())
}

func (s *Server) stopProgram(w http.ResponseWriter, r *http.Request) {
	if err := s.stop(r.PathValue("name")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request, p *program) {
	s.answerPaused(w, p, true)
}

func (s *Server) resume(w http.ResponseWriter, r *http.Request, p *program) {
	s.answerPaused(w, p, false)
}

func (s *Server) answerPaused(w http.ResponseWriter, p *program, paused bool) {
	if err := s.setPaused(p, paused); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p.describe())
}

func (s *Server) readMaps(w http.ResponseWriter, r *http.Request, p *program) {
	snap, err := p.snapshot()
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, snap)
}

func (s *Server) readMap(w http.ResponseWriter, r *http.Request, p *program) {
	m, err := p.readMap(r.PathValue("map"), s.sym)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// decodeBody reads a JSON request body strictly: bounded in size, no unknown
// fields, nothing after the object.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errorf(http.StatusUnsupportedMediaType, "request body: Content-Type %q: send application/json", ct)
		}
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return errorf(http.StatusRequestEntityTooLarge, "request body: larger than the server's limit of %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return errorf(http.StatusBadRequest, "request body: empty: send a JSON object")
	case errors.As(err, &syntax):
		return errorf(http.StatusBadRequest, "request body: invalid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		return errorf(http.StatusBadRequest, "request body: field %q: want %s, got JSON %s", typ.Field, typ.Type, typ.Value)
	default:
		return errorf(http.StatusBadRequest, "request body: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, fmt.Errorf("encoding the answer: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError answers with the error's status (500 for plain errors) and its
// one-line message.
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var ae *apiError
	if errors.As(err, &ae) {
		status = ae.status
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	writeJSON(w, status, api.Error{Error: msg})
}

// sseWriter writes Server-Sent Events, each under a write deadline so that a
// client that stops reading is dropped instead of holding its handler forever.
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	buf []byte
}

// writeTimeout bounds how long one batch of events may take to write.
const writeTimeout = 30 * time.Second

func newSSE(w http.ResponseWriter) *sseWriter {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w, rc: http.NewResponseController(w)}
}

// event queues one event; id 0 writes no id line.
func (s *sseWriter) event(kind string, id uint64, data []byte) {
	if id != 0 {
		s.buf = fmt.Appendf(s.buf, "id: %d\n", id)
	}
	s.buf = append(s.buf, "event: "...)
	s.buf = append(s.buf, kind...)
	s.buf = append(s.buf, "\ndata: "...)
	s.buf = append(s.buf, data...)
	s.buf = append(s.buf, "\n\n"...)
}

// comment queues an SSE comment, which keeps idle connections alive.
func (s *sseWriter) comment(text string) {
	s.buf = append(append(append(s.buf, ": "...), text...), "\n\n"...)
}

// flush sends what was queued.
func (s *sseWriter) flush() error {
	s.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := s.w.Write(s.buf)
	s.buf = s.buf[:0]
	if err == nil {
		err = s.rc.Flush()
	}
	return err
}

// keepAlive is how often an idle stream sends a comment.
const keepAlive = 15 * time.Second

// sleep waits for d, a wake-up or the end of ctx; false means ctx ended.
func sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-wake:
	case <-t.C:
	}
	return true
}
