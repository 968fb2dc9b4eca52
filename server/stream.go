package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"nomia.dev/nomia/server/api"
)

// streamEvents sends a program's events as Server-Sent Events, each with its
// seq as id. A client resuming with Last-Event-ID (or ?after=SEQ) gets the
// events after that one that the buffer still holds, preceded by a "gap"
// event when some are gone; a new client gets everything buffered. The
// stream ends with an "end" event when the program stops; with
// ?follow=false it ends, without one, once the buffered events are sent.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, p *program) {
	after, resumed, err := resumePoint(r)
	if err != nil {
		writeError(w, err)
		return
	}
	follow := r.URL.Query().Get("follow") != "false"
	wake, unsubscribe := p.buf.subscribe()
	defer unsubscribe()
	sse := newSSE(w)
	if err := sse.flush(); err != nil {
		return
	}
	var evs [][]byte
	for {
		var last, missed uint64
		var closed bool
		evs, last, missed, closed = p.buf.read(evs, after, 256)
		if missed > 0 && (resumed || after > 0) {
			p.overwritten.Add(missed)
			gap, _ := json.Marshal(api.Gap{Missed: missed})
			sse.event("gap", 0, gap)
		}
		first := last - uint64(len(evs)) + 1
		for i, ev := range evs {
			sse.event("event", first+uint64(i), ev)
		}
		after = last
		if closed {
			end, _ := json.Marshal(p.describe())
			sse.event("end", 0, end)
			sse.flush()
			return
		}
		if len(evs) == 0 {
			if !follow {
				sse.flush()
				return
			}
			if !sleep(r.Context(), keepAlive, wake) {
				return
			}
			sse.comment("keep-alive")
		}
		if err := sse.flush(); err != nil {
			return
		}
	}
}

// resumePoint reads where a stream resumes: the Last-Event-ID header the
// browser's EventSource sends on reconnecting, or ?after=SEQ.
func resumePoint(r *http.Request) (after uint64, resumed bool, err error) {
	id := r.Header.Get("Last-Event-ID")
	what := "Last-Event-ID"
	if id == "" {
		id, what = r.URL.Query().Get("after"), "after"
	}
	if id == "" {
		return 0, false, nil
	}
	after, perr := strconv.ParseUint(id, 10, 64)
	if perr != nil {
		return 0, false, errorf(http.StatusBadRequest, "%s %q: want the seq (id) of the last event received", what, id)
	}
	return after, true, nil
}

// streamSnapshots sends the program's maps as an SSE "maps" event every
// ?interval (default 1s, at least 100ms) until the program stops.
func (s *Server) streamSnapshots(w http.ResponseWriter, r *http.Request, p *program) {
	interval := time.Second
	if q := r.URL.Query().Get("interval"); q != "" {
		d, err := time.ParseDuration(q)
		if err != nil || d < 100*time.Millisecond {
			writeError(w, errorf(http.StatusBadRequest, "interval %q: want a duration of at least 100ms, e.g. 2s", q))
			return
		}
		interval = d
	}
	if _, err := p.snapshot(); err != nil {
		writeError(w, err)
		return
	}
	sse := newSSE(w)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for n := uint64(1); ; n++ {
		snap, err := p.snapshot()
		if err != nil {
			msg, _ := json.Marshal(api.Error{Error: err.Error()})
			sse.event("end", 0, msg)
			sse.flush()
			return
		}
		data, _ := json.Marshal(snap)
		sse.event("maps", n, data)
		if err := sse.flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-p.done:
			sse.event("end", 0, fmt.Appendf(nil, `{"program":%q}`, p.name))
			sse.flush()
			return
		case <-tick.C:
		}
	}
}
