package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/server/api"
)

// TestErrorsCarryStatusAndMessage checks that a server's JSON error becomes
// a *client.Error with its status and one-line message, and that the token
// is sent.
func TestErrorsCarryStatusAndMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer T" {
			t.Errorf("Authorization %q, want Bearer T", r.Header.Get("Authorization"))
		}
		w.WriteHeader(http.StatusConflict)
		fmt.Fprint(w, `{"error":"start x: a program of that name exists"}`)
	}))
	defer srv.Close()
	_, err := client.New(srv.URL, "T").Start(context.Background(), api.StartRequest{Name: "x"})
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusConflict || e.Message != "start x: a program of that name exists" {
		t.Errorf("error %#v, want status 409 and the server's message", err)
	}
}

// TestEventsGapsAndResume checks the SSE parsing: a gap is reported, the
// resume point is sent as Last-Event-ID, comments are skipped, and NoFollow
// ends quietly when the server closes the stream.
func TestEventsGapsAndResume(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Last-Event-ID") != "5" || r.URL.Query().Get("follow") != "false" {
			t.Errorf("request %s with Last-Event-ID %q, want 5 and follow=false", r.URL, r.Header.Get("Last-Event-ID"))
		}
		fmt.Fprint(w, ": keep-alive\n\nevent: gap\ndata: {\"missed\":3}\n\nid: 9\nevent: event\ndata: {\"seq\":9,\"data\":{}}\n\n")
	}))
	defer srv.Close()
	var gaps, seqs []uint64
	err := client.New(srv.URL, "").Events(context.Background(), "p", client.StreamOptions{
		After: 5, NoFollow: true, Gap: func(g api.Gap) { gaps = append(gaps, g.Missed) },
	}, func(ev api.Event) error {
		seqs = append(seqs, ev.Seq)
		return nil
	})
	if err != nil || len(gaps) != 1 || gaps[0] != 3 || len(seqs) != 1 || seqs[0] != 9 {
		t.Errorf("events %v gaps %v err %v; want event 9 after a gap of 3, no error", seqs, gaps, err)
	}
}

// TestUnreachableServer checks the one-line hint when nothing listens.
func TestUnreachableServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := client.New(url, "").List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "is `nomia serve` running there?") {
		t.Errorf("list from a closed server: %v, want a hint", err)
	}
}

// TestEventsReconnect breaks the first connection after one event and checks
// that Reconnect resumes with Last-Event-ID and delivers the rest.
func TestEventsReconnect(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			fmt.Fprint(w, "id: 1\nevent: event\ndata: {\"seq\":1}\n\n")
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // the connection breaks mid-stream
			return
		}
		if id := r.Header.Get("Last-Event-ID"); id != "1" {
			t.Errorf("reconnected with Last-Event-ID %q, want 1", id)
		}
		fmt.Fprint(w, "id: 2\nevent: event\ndata: {\"seq\":2}\n\nevent: end\ndata: {}\n\n")
	}))
	defer srv.Close()
	var seqs []uint64
	var reconnects int
	err := client.New(srv.URL, "").Events(context.Background(), "p", client.StreamOptions{
		Reconnect: true, Reconnecting: func(error) { reconnects++ },
	}, func(ev api.Event) error {
		seqs = append(seqs, ev.Seq)
		return nil
	})
	if !errors.Is(err, client.ErrProgramEnded) || len(seqs) != 2 || seqs[1] != 2 || reconnects != 1 {
		t.Errorf("events %v after %d reconnects, %v; want 1 and 2 after one reconnect, then the end", seqs, reconnects, err)
	}
}
