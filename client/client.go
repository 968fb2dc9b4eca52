// Package client is the Go client of nomia's server API (`nomia serve`); the
// `nomia remote` commands are a thin layer over it.
//
//	c := client.New("http://127.0.0.1:8527", token)
//	p, err := c.Start(ctx, api.StartRequest{Name: "opens", Package: pkgJSON, Args: []string{"--targ_pid", "42"}})
//	err = c.Events(ctx, "opens", 0, func(ev api.Event) error { … })
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"nomia.dev/nomia/server/api"
)

// DefaultServer is the server address the client uses when none is given.
const DefaultServer = "http://127.0.0.1:8527"

// Client calls one server. Its zero value is not usable; use New.
type Client struct {
	base  string
	token string
	// HTTP is the client requests go through; set its Transport for TLS
	// options. Streams run as long as their context, so it must have no
	// overall Timeout.
	HTTP *http.Client
}

// New returns a client of the server at base ("http://host:port" or
// "https://…"; a bare host:port means http) sending token ("" sends none).
func New(base, token string) *Client {
	if base == "" {
		base = DefaultServer
	}
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &Client{base: strings.TrimRight(base, "/"), token: token, HTTP: &http.Client{}}
}

// Error is an answer of the server other than success.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Message is the server's one-line explanation.
	Message string
}

// Error says what the server answered, with the HTTP status.
func (e *Error) Error() string {
	return fmt.Sprintf("server: %s (HTTP %d)", e.Message, e.Status)
}

// Start starts a program and returns it as the server describes it.
func (c *Client) Start(ctx context.Context, req api.StartRequest) (*api.Program, error) {
	p := new(api.Program)
	return p, c.do(ctx, http.MethodPost, "/v1/programs", req, p)
}

// List returns the server's programs, sorted by name.
func (c *Client) List(ctx context.Context) ([]api.Program, error) {
	var l api.ProgramList
	err := c.do(ctx, http.MethodGet, "/v1/programs", nil, &l)
	return l.Programs, err
}

// Get returns one program.
func (c *Client) Get(ctx context.Context, name string) (*api.Program, error) {
	p := new(api.Program)
	return p, c.do(ctx, http.MethodGet, programPath(name, ""), nil, p)
}

// Stop stops a program: the server detaches it and forgets it.
func (c *Client) Stop(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, programPath(name, ""), nil, nil)
}

// Pause stops buffering a program's events; the server counts what it drops.
func (c *Client) Pause(ctx context.Context, name string) (*api.Program, error) {
	p := new(api.Program)
	return p, c.do(ctx, http.MethodPost, programPath(name, "/pause"), nil, p)
}

// Resume undoes Pause.
func (c *Client) Resume(ctx context.Context, name string) (*api.Program, error) {
	p := new(api.Program)
	return p, c.do(ctx, http.MethodPost, programPath(name, "/resume"), nil, p)
}

// Maps reads the maps a program reports through.
func (c *Client) Maps(ctx context.Context, name string) (*api.MapSnapshot, error) {
	s := new(api.MapSnapshot)
	return s, c.do(ctx, http.MethodGet, programPath(name, "/maps"), nil, s)
}

// Map reads one map or global of a program.
func (c *Client) Map(ctx context.Context, name, mapName string) (*api.MapEntries, error) {
	m := new(api.MapEntries)
	return m, c.do(ctx, http.MethodGet, programPath(name, "/maps/"+url.PathEscape(mapName)), nil, m)
}

// Health asks whether the server runs; it needs no token.
func (c *Client) Health(ctx context.Context) (*api.Health, error) {
	h := new(api.Health)
	return h, c.do(ctx, http.MethodGet, "/healthz", nil, h)
}

func programPath(name, rest string) string {
	return "/v1/programs/" + url.PathEscape(name) + rest
}

// do sends one request with in as its JSON body (nil: none) and decodes the
// answer into out (nil: discarded).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	resp, err := c.send(ctx, method, path, body, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("server %s: %s %s: unreadable answer: %v", c.base, method, path, err)
	}
	return nil
}

// send makes a request and turns non-2xx answers into *Error.
func (c *Client) send(ctx context.Context, method, path string, body io.Reader, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("server %s: %v", c.base, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("server %s: %v (is `nomia serve` running there?)", c.base, unwrapURL(err))
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var e api.Error
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		e.Error = strings.TrimSpace(string(b))
	}
	return nil, &Error{Status: resp.StatusCode, Message: e.Error}
}

// unwrapURL drops *url.Error's "Get \"http://…\":" prefix, which repeats
// what the caller already says.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
