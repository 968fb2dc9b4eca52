package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/source"
	"nomia.dev/nomia/symbolize"
)

// DefaultListen is the address `nomia serve` listens on: loopback only.
const DefaultListen = "127.0.0.1:8527"

// Config configures a Server. The zero value serves on loopback without a
// state directory (nothing survives a restart) and requires Token.
type Config struct {
	// StateDir keeps the token and the started programs across restarts; ""
	// keeps nothing.
	StateDir string
	// Token is the bearer token every /v1 and /metrics request must carry.
	// "" uses the token stored in StateDir, generating it on first start.
	Token string
	// NoAuth serves without a token. It is refused unless every address the
	// server listens on is loopback (Serve checks).
	NoAuth bool
	// MaxBodyBytes bounds request bodies (uploaded packages); 0 means 64 MiB.
	MaxBodyBytes int64
	// EventBuffer is how many events each program keeps for its streams to
	// read and resume from (Last-Event-ID); 0 means 4096.
	EventBuffer int
	// MaxPrograms bounds how many programs run at once; 0 means 1024.
	MaxPrograms int
	// Resolve turns a StartRequest.Source reference into a package; nil
	// resolves URLs and OCI references with package source (and Source), and
	// refuses paths on the server's file system.
	Resolve func(ctx context.Context, ref string) (*bpfpkg.Package, error)
	// Source configures the default Resolve: its cache (e.g. a directory in
	// the state dir), pull policy, registry access.
	Source source.Options
	// Dashboard, when set, serves every path outside /v1, /healthz and
	// /metrics (the web dashboard mounts here).
	Dashboard http.Handler
	// Log receives one line per lifecycle event (start, stop, restore
	// failure); nil means the standard logger.
	Log *log.Logger
}

// Server runs eBPF programs on behalf of API clients: a supervisor of
// programs, each with its own bounded event buffer, behind an HTTP API.
type Server struct {
	cfg     Config
	state   stateDir
	token   string
	sym     *symbolize.Table
	handler http.Handler

	mu       sync.Mutex
	programs map[string]*program
	reserved map[string]bool // names whose start is under way
	closed   bool
	// busy counts starts and stops under way; Close waits for them, so that
	// nothing they load stays attached after it returns.
	busy sync.WaitGroup
}

// New checks cfg, loads or creates the token and restarts every program
// stored in the state directory. A stored program that fails to start again
// stays listed as failed, with its error; it does not stop the others.
func New(cfg Config) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = 4096
	}
	if cfg.MaxPrograms <= 0 {
		cfg.MaxPrograms = 1024
	}
	if cfg.Resolve == nil {
		opts := cfg.Source
		cfg.Resolve = func(ctx context.Context, ref string) (*bpfpkg.Package, error) {
			return resolveRemote(ctx, ref, opts)
		}
	}
	if cfg.Log == nil {
		cfg.Log = log.Default()
	}
	s := &Server{cfg: cfg, state: stateDir(cfg.StateDir), token: cfg.Token, sym: symbolize.New(),
		programs: map[string]*program{}, reserved: map[string]bool{}}
	if s.state != "" {
		if err := s.state.init(); err != nil {
			return nil, err
		}
		if s.token == "" && !cfg.NoAuth {
			t, err := s.state.token()
			if err != nil {
				return nil, err
			}
			s.token = t
		}
	}
	if s.token == "" && !cfg.NoAuth {
		return nil, errors.New("server: no token: give one, a state dir to keep a generated one in, or NoAuth for loopback")
	}
	s.handler = s.handlerFor()
	s.restore()
	return s, nil
}

// Token returns the bearer token clients must send ("" with NoAuth).
func (s *Server) Token() string {
	if s.cfg.NoAuth {
		return ""
	}
	return s.token
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx ends, then shuts the HTTP side down
// and returns; programs keep running until Close. With NoAuth, ln must be a
// loopback address.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tlsCert, tlsKey string) error {
	if s.cfg.NoAuth && !isLoopback(ln.Addr()) {
		return fmt.Errorf("serve: %s is not a loopback address: a token is required there (drop --no-auth)", ln.Addr())
	}
	// No WriteTimeout: streams last as long as their clients; each SSE write
	// has its own deadline instead.
	srv := &http.Server{Handler: s.handler, ErrorLog: s.cfg.Log,
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	if tlsCert != "" || tlsKey != "" {
		cert, err := tls.LoadX509KeyPair(tlsCert, tlsKey)
		if err != nil {
			return fmt.Errorf("serve: TLS certificate %s and key %s: %v (give PEM files that match)", tlsCert, tlsKey, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Streams never end by themselves: close every connection now rather than
	// waiting for them.
	srv.Close()
	<-errc
	return nil
}

// isLoopback reports whether addr is a loopback IP address.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Close stops every program, detaching everything, and keeps their records in
// the state directory so that the next New starts them again. Programs stop
// concurrently: detaching costs the kernel tens of milliseconds per link.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.busy.Wait()
	s.mu.Lock()
	progs := s.programs
	s.programs = map[string]*program{}
	s.mu.Unlock()
	errs := make([]error, 0, len(progs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range progs {
		wg.Go(func() {
			if err := p.stop(); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("program %s: %w", p.name, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// validName says whether a program name may be used: it is a file name in the
// state directory and a path segment of the API, so it is 1 to 63 letters,
// digits, '.', '_' or '-', starting with a letter or digit. (A loop, not a
// regexp: compiling `{0,62}` at package init costs every nomia command 60 KB and
// 0.1 ms, server or not.)
func validName(name string) bool {
	if len(name) == 0 || len(name) > 63 {
		return false
	}
	for i, c := range []byte(name) {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

func badName(name string) error {
	return errorf(http.StatusBadRequest, "start: name %q: use letters, digits, '.', '_' and '-', at most 63, starting with a letter or digit", name)
}

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
}

// Error returns the one-line message.
func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// start resolves, loads and attaches what req describes, and records it.
func (s *Server) start(ctx context.Context, req *api.StartRequest) (*program, error) {
	if (len(req.Package) == 0) == (req.Source == "") {
		return nil, errorf(http.StatusBadRequest, "start: give exactly one of \"package\" (an uploaded package.json) and \"source\" (a reference the server resolves)")
	}
	if req.Name != "" && !validName(req.Name) {
		return nil, badName(req.Name)
	}
	if req.Source == "-" {
		return nil, errorf(http.StatusBadRequest, "start: source \"-\" (standard input) means nothing to the server: upload the package instead")
	}
	var pkg *bpfpkg.Package
	var err error
	if len(req.Package) > 0 {
		if pkg, err = bpfpkg.Parse(req.Package); err != nil {
			return nil, errorf(http.StatusBadRequest, "start: uploaded package: %v", err)
		}
	} else if pkg, err = s.cfg.Resolve(ctx, req.Source); err != nil {
		return nil, errorf(http.StatusBadRequest, "start: %v", err)
	}
	name := req.Name
	if name == "" {
		name = pkg.Meta.Skel.ObjName
	}
	if !validName(name) {
		return nil, badName(name)
	}
	if err := s.reserve(name); err != nil {
		return nil, err
	}
	defer s.release(name)

	p, err := newProgram(name, pkg, req.Args, req.Options, s.cfg.EventBuffer, s.sym)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "start %s: %v", name, err)
	}
	if err := p.start(); err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, "start %s: %v", name, err)
	}
	if s.state != "" { // the package is stored only when there is somewhere to store it
		raw := req.Package
		if len(raw) == 0 {
			if raw, err = pkg.Marshal(); err != nil {
				p.stop()
				return nil, errorf(http.StatusInternalServerError, "start %s: storing the package: %v", name, err)
			}
		}
		rec := &record{Name: name, Source: req.Source, Args: req.Args, Options: req.Options, Package: raw}
		if err := s.state.save(rec); err != nil {
			p.stop()
			return nil, errorf(http.StatusInternalServerError, "start %s: state dir: %v", name, err)
		}
		p.rec = rec
	}
	if err := s.add(p); err != nil {
		p.stop()
		s.state.remove(name)
		return nil, err
	}
	s.cfg.Log.Printf("nomia: started %s (%s)", name, p.object)
	return p, nil
}

// reserve claims a name for a start under way, so that two clients starting
// the same name do not both load.
func (s *Server) reserve(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errorf(http.StatusServiceUnavailable, "start %s: the server is shutting down", name)
	case s.programs[name] != nil || s.reserved[name]:
		return errorf(http.StatusConflict, "start %s: a program of that name exists: stop it first or pick another name", name)
	case len(s.programs)+len(s.reserved) >= s.cfg.MaxPrograms:
		return errorf(http.StatusTooManyRequests, "start %s: %d programs are running, the server's limit: stop one first", name, s.cfg.MaxPrograms)
	}
	s.reserved[name] = true
	s.busy.Add(1)
	return nil
}

func (s *Server) release(name string) {
	s.mu.Lock()
	delete(s.reserved, name)
	s.mu.Unlock()
	s.busy.Done()
}

// add publishes a started program, unless the server closed meanwhile.
func (s *Server) add(p *program) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errorf(http.StatusServiceUnavailable, "start %s: the server is shutting down", p.name)
	}
	s.programs[p.name] = p
	return nil
}

// get finds a program by name.
func (s *Server) get(name string) (*program, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.programs[name]; p != nil {
		return p, nil
	}
	return nil, errorf(http.StatusNotFound, "program %s: not running here (list them: GET /v1/programs)", name)
}

// list returns the programs sorted by name.
func (s *Server) list() []*program {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := make([]*program, 0, len(s.programs))
	for _, p := range s.programs {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].name < ps[j].name })
	return ps
}

// stop detaches a program and forgets it, here and in the state directory.
func (s *Server) stop(name string) error {
	s.mu.Lock()
	if s.closed {
		// Close stops everything itself, and keeps the record.
		s.mu.Unlock()
		return errorf(http.StatusServiceUnavailable, "stop %s: the server is shutting down", name)
	}
	p := s.programs[name]
	delete(s.programs, name)
	if p != nil {
		s.busy.Add(1) // before Close's Wait: closed is false under the lock
	}
	s.mu.Unlock()
	if p == nil {
		return errorf(http.StatusNotFound, "stop %s: no such program (list them: GET /v1/programs)", name)
	}
	defer s.busy.Done()
	err := p.stop()
	if rerr := s.state.remove(name); rerr != nil {
		err = errors.Join(err, rerr)
	}
	s.cfg.Log.Printf("nomia: stopped %s", name)
	if err != nil {
		return errorf(http.StatusInternalServerError, "stop %s: %v", name, err)
	}
	return nil
}

// setPaused pauses or resumes a program's event delivery and records it, so
// that a restart keeps it.
func (s *Server) setPaused(p *program, paused bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused.Store(paused)
	if p.rec == nil || p.rec.Paused == paused {
		return nil
	}
	rec := *p.rec
	rec.Paused = paused
	if err := s.state.save(&rec); err != nil {
		return errorf(http.StatusInternalServerError, "program %s: paused, but the state dir cannot keep it: %v", p.name, err)
	}
	p.rec = &rec
	return nil
}

// restore starts the programs stored in the state directory again.
func (s *Server) restore() {
	if s.state == "" {
		return
	}
	recs, errs := s.state.load()
	for _, err := range errs {
		s.cfg.Log.Printf("nomia: restore: %v", err)
	}
	for _, rec := range recs {
		req := &api.StartRequest{Name: rec.Name, Package: rec.Package, Args: rec.Args, Options: rec.Options}
		p, err := s.startRestored(req)
		if err != nil {
			s.cfg.Log.Printf("nomia: restore %s: %v", rec.Name, err)
			p = failedProgram(rec.Name, rec, err)
		} else {
			p.paused.Store(rec.Paused)
			s.cfg.Log.Printf("nomia: restored %s (%s)", rec.Name, p.object)
		}
		p.rec = rec
		s.programs[rec.Name] = p
	}
}

// startRestored starts a stored program without storing it again.
func (s *Server) startRestored(req *api.StartRequest) (*program, error) {
	pkg, err := bpfpkg.Parse(req.Package)
	if err != nil {
		return nil, err
	}
	p, err := newProgram(req.Name, pkg, req.Args, req.Options, s.cfg.EventBuffer, s.sym)
	if err != nil {
		return nil, err
	}
	if err := p.start(); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveRemote resolves the references a client may ask the server to fetch:
// URLs and OCI references. Paths are refused: a client must not make the
// daemon read its files; it uploads packages instead.
func resolveRemote(ctx context.Context, ref string, opts source.Options) (*bpfpkg.Package, error) {
	switch kind := source.Classify(ref); kind {
	case source.URL, source.OCI:
	default:
		return nil, fmt.Errorf("source %s: taken as a %s, but the server resolves only URLs and OCI references: upload the package instead (nomia remote start does for local files)", ref, kind)
	}
	r, err := source.Resolve(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	if r.Package == nil {
		return nil, fmt.Errorf("source %s: a WASM module; the server runs only eBPF packages for now", ref)
	}
	return r.Package, nil
}
