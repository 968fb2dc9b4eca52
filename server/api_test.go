package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/server"
	"nomia.dev/nomia/server/api"
	"nomia.dev/nomia/server/servertest"
)

// eventData is the decoded record of testdata/pgid.bpf.c.
type eventData struct {
	PID int   `json:"pid"`
	Arg int64 `json:"arg"`
}

// collect streams name's events after `after` until want holds the args
// wanted (each seen at least once), calling trigger whenever the stream is
// idle so that events keep coming however late the stream connected.
func collect(t *testing.T, c *client.Client, name string, after uint64, wanted ...int64) (evs []api.Event, gaps []api.Gap) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	missing := map[int64]bool{}
	for _, w := range wanted {
		missing[w] = true
	}
	err := c.Events(ctx, name, client.StreamOptions{After: after, Gap: func(g api.Gap) { gaps = append(gaps, g) }}, func(ev api.Event) error {
		evs = append(evs, ev)
		var d eventData
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			t.Errorf("event %d: data %s: %v", ev.Seq, ev.Data, err)
		}
		delete(missing, d.Arg)
		if len(missing) == 0 {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("events of %s: %v", name, err)
	}
	return evs, gaps
}

// TestStartInspectStreamStop goes through a program's life over HTTP: start
// from an uploaded package with a flag, inspect, stream decoded events, read
// its counter and histogram maps and metrics, stop, and nothing is left.
func TestStartInspectStreamStop(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{})
	ctx := context.Background()

	p, err := ts.Client.Start(ctx, startRequest(t, "pgid"))
	if err != nil {
		t.Fatal(err)
	}
	if p.State != api.Running || p.Object != "pgid_bpf" {
		t.Errorf("started program: state %q object %q, want running pgid_bpf", p.State, p.Object)
	}
	if len(p.Programs) != 1 || p.Programs[0].Name != progName || p.Programs[0].Section != "tracepoint/syscalls/sys_enter_getpgid" || p.Programs[0].ID == 0 {
		t.Errorf("attached programs %+v, want on_getpgid at tracepoint/syscalls/sys_enter_getpgid with an id", p.Programs)
	}
	if !slices.Equal(p.EventMaps, []string{"events"}) {
		t.Errorf("event maps %v, want [events]", p.EventMaps)
	}
	views := map[string]string{}
	for _, m := range p.Maps {
		views[m.Name] = m.View
	}
	if views["calls"] != "default_kv" || views["args_hist"] != "log2_hist" {
		t.Errorf("map views %v: want calls as default_kv and args_hist as log2_hist", views)
	}

	if _, err := ts.Client.Start(ctx, startRequest(t, "pgid")); !isStatus(err, http.StatusConflict) {
		t.Errorf("second start of the same name: %v, want 409", err)
	}
	for _, args := range [][]string{{"--nope", "1"}, {"--targ_pid", "abc"}, {"stray"}} {
		req := startRequest(t, "flags")
		req.Args = args
		_, err := ts.Client.Start(ctx, req)
		if !isStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), "program flags") || !strings.Contains(err.Error(), strings.TrimLeft(args[0], "-")) {
			t.Errorf("start with flags %q: %v, want a 400 about program flags naming %s", args, err, args[0])
		}
	}

	const a, b, c = 70000001, 70000002, 70000003 // above pid_max, so getpgid fails harmlessly
	getpgid(a)
	getpgid(b)
	getpgid(c)
	waitFor(t, "3 events counted", func() bool { return program(t, ts, "pgid").Counters.Events >= 3 })
	evs, _ := collect(t, ts.Client, "pgid", 0, a, b, c)
	for i, ev := range evs {
		var d eventData
		json.Unmarshal(ev.Data, &d)
		if d.PID != os.Getpid() || ev.Map != "events" || ev.Seq != uint64(i+1) || ev.Time.IsZero() {
			t.Errorf("event %d: %+v data %+v: want seq %d, map events, pid %d, a time", i, ev, d, i+1, os.Getpid())
		}
	}

	calls, err := ts.Client.Map(ctx, "pgid", "calls")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int64]uint64{}
	for _, e := range calls.Entries {
		var kv struct {
			Key   int64  `json:"key"`
			Value uint64 `json:"value"`
		}
		if err := json.Unmarshal(e, &kv); err != nil {
			t.Fatalf("calls entry %s: %v", e, err)
		}
		counts[kv.Key] = kv.Value
	}
	if counts[a] != 1 || counts[b] != 1 || counts[c] != 1 {
		t.Errorf("calls map %v: want 1 call each of %d, %d, %d", counts, a, b, c)
	}
	snap, err := ts.Client.Maps(ctx, "pgid")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Maps) != 2 || snap.Maps[0].Name != "args_hist" || snap.Maps[1].Name != "calls" {
		t.Errorf("snapshot maps %+v: want args_hist and calls", snap.Maps)
	}

	var streamed *api.MapSnapshot
	errEnough := errors.New("one snapshot is enough")
	err = ts.Client.Snapshots(ctx, "pgid", "100ms", func(s *api.MapSnapshot) error {
		streamed = s
		return errEnough
	})
	if !errors.Is(err, errEnough) || streamed == nil || len(streamed.Maps) != 2 || len(streamed.Maps[1].Entries) != 3 {
		t.Errorf("snapshot stream: %+v, %v; want args_hist and calls with 3 entries", streamed, err)
	}

	metrics := get(t, ts, "/metrics")
	for _, want := range []string{
		`nomia_program_events_total{program="pgid"} 3`,
		`nomia_program_lost_records_total{map="events",program="pgid"} 0`,
		`nomia_program_decode_errors_total{program="pgid"} 0`,
		`nomia_map_calls_total{key="70000002",program="pgid"} 1`,
		// 70000001..3 lie in log2 bucket 26 (2^26 = 67108864 … 134217727).
		`nomia_map_args_hist_bucket{key="",program="pgid",unit="value",le="1.34217727e+08"} 3`,
		`nomia_map_args_hist_bucket{key="",program="pgid",unit="value",le="6.7108863e+07"} 0`,
		`nomia_map_args_hist_count{key="",program="pgid",unit="value"} 3`,
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	// The daemon's own metrics, from client_golang's default registry.
	for _, want := range []string{"# TYPE go_goroutines gauge", "# TYPE process_resident_memory_bytes gauge"} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}

	if err := ts.Client.Stop(ctx, "pgid"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Client.Get(ctx, "pgid"); !isStatus(err, http.StatusNotFound) {
		t.Errorf("get after stop: %v, want 404", err)
	}
	if list, err := ts.Client.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("list after stop: %v %v, want none", list, err)
	}
}

// TestStreamEndsWhenProgramStops checks that a stream open on a program gets
// the "end" event when the program is stopped.
func TestStreamEndsWhenProgramStops(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{})
	ctx := context.Background()
	if _, err := ts.Client.Start(ctx, startRequest(t, "ending")); err != nil {
		t.Fatal(err)
	}
	const marker = 70000100
	ended := make(chan error, 1)
	go func() {
		ended <- ts.Client.Events(ctx, "ending", client.StreamOptions{}, func(ev api.Event) error {
			var d eventData
			json.Unmarshal(ev.Data, &d)
			if d.Arg == marker {
				// Streaming works: now stop the program under the stream.
				go ts.Client.Stop(ctx, "ending")
			}
			return nil
		})
	}()
	getpgid(marker)
	if err := <-ended; !errors.Is(err, client.ErrProgramEnded) {
		t.Errorf("stream of a stopped program ended with %v, want ErrProgramEnded", err)
	}
	waitFor(t, "the program to be gone", func() bool {
		_, err := ts.Client.Get(ctx, "ending")
		return isStatus(err, http.StatusNotFound)
	})
}

// TestResumeFromLastEventID checks resuming from a bounded buffer: events
// after the given id that it still holds, and a gap for those it dropped.
func TestResumeFromLastEventID(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{EventBuffer: 4})
	if _, err := ts.Client.Start(context.Background(), startRequest(t, "resume")); err != nil {
		t.Fatal(err)
	}
	const base = 70000200
	for i := int64(1); i <= 10; i++ {
		getpgid(base + i)
	}
	waitFor(t, "10 events", func() bool { return program(t, ts, "resume").Counters.Events >= 10 })

	// The buffer holds events 7..10: resuming after 2 misses 3..6.
	evs, gaps := collect(t, ts.Client, "resume", 2, base+10)
	if len(gaps) != 1 || gaps[0].Missed != 4 {
		t.Errorf("gaps %+v, want one of 4 events", gaps)
	}
	var seqs []uint64
	for _, ev := range evs {
		var d eventData
		json.Unmarshal(ev.Data, &d)
		if d.Arg != base+int64(ev.Seq) {
			t.Errorf("event %d carries %d, want %d", ev.Seq, d.Arg, base+int64(ev.Seq))
		}
		seqs = append(seqs, ev.Seq)
	}
	if !slices.Equal(seqs, []uint64{7, 8, 9, 10}) {
		t.Errorf("resumed after 2: seqs %v, want 7..10", seqs)
	}
	if n := program(t, ts, "resume").Counters.Overwritten; n != 4 {
		t.Errorf("overwritten counter %d, want 4", n)
	}

	// Resuming inside the buffer: no gap.
	evs, gaps = collect(t, ts.Client, "resume", 8, base+10)
	if len(gaps) != 0 || len(evs) != 2 || evs[0].Seq != 9 {
		t.Errorf("resumed after 8: %d events from %v, gaps %v; want 9 and 10, no gap", len(evs), evs, gaps)
	}

	// Without following, the stream ends once the buffer is sent.
	var seen []uint64
	err := ts.Client.Events(context.Background(), "resume", client.StreamOptions{NoFollow: true}, func(ev api.Event) error {
		seen = append(seen, ev.Seq)
		return nil
	})
	if err != nil || !slices.Equal(seen, []uint64{7, 8, 9, 10}) {
		t.Errorf("NoFollow: events %v, %v; want 7..10 and a nil error", seen, err)
	}
}

// TestPauseResume checks that a paused program's events are counted and not
// streamed, and that resume brings them back.
func TestPauseResume(t *testing.T) {
	pgidPackage(t)
	bpftest.NoLeaks(t, progName)
	ts := servertest.New(t, server.Config{})
	ctx := context.Background()
	if _, err := ts.Client.Start(ctx, startRequest(t, "pausing")); err != nil {
		t.Fatal(err)
	}
	p, err := ts.Client.Pause(ctx, "pausing")
	if err != nil || p.State != api.Paused {
		t.Fatalf("pause: state %v, %v; want paused", p.State, err)
	}
	const hidden, shown = 70000301, 70000302
	getpgid(hidden)
	waitFor(t, "the paused event to be counted", func() bool { return program(t, ts, "pausing").Counters.Paused == 1 })
	if p, err = ts.Client.Resume(ctx, "pausing"); err != nil || p.State != api.Running {
		t.Fatalf("resume: state %v, %v; want running", p.State, err)
	}
	getpgid(shown)
	evs, _ := collect(t, ts.Client, "pausing", 0, shown)
	for _, ev := range evs {
		var d eventData
		json.Unmarshal(ev.Data, &d)
		if d.Arg == hidden {
			t.Errorf("event %d of the paused time was streamed", ev.Seq)
		}
	}
	if p := program(t, ts, "pausing"); p.Counters.Events != 2 {
		t.Errorf("events counter %d, want 2 (both read from the kernel)", p.Counters.Events)
	}
}

// get fetches path with the token and returns the body, failing on non-200.
func get(t *testing.T, ts *servertest.Server, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if tok := ts.Token(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return string(body)
}

// isStatus reports whether err is a server answer with this status.
func isStatus(err error, status int) bool {
	var e *client.Error
	return errors.As(err, &e) && e.Status == status
}
