package eventtype

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// want is the expected result for one map; evidence is a substring of Evidence
// that shows which rule decided.
type want struct {
	Struct   string
	Size     int
	evidence string
}

func TestInfer(t *testing.T) {
	cases := []struct {
		fixture string
		want    map[string]want
	}{
		{"reserve", map[string]want{"rb": {"struct exec_event", 32, "bpf_ringbuf_reserve(rb, 32) in handle_exec, whose result a struct exec_event * variable holds"}}},
		// struct scratch has the same size: only the stack address decides.
		{"stack_output", map[string]want{"records": {"struct sample_rec", 24, "stack variable of type struct sample_rec"}}},
		{"perf_stack", map[string]want{"events": {"struct signal_event", 32, "bpf_perf_event_output(events, 32) in sig_trace sends a stack variable"}}},
		{"heap_varlen", map[string]want{"events": {"struct event", 540, "bpf_perf_event_output(events, len) in exit_execve sends a value of map execs"}}},
		{"header", map[string]want{"opens": {"struct open_event", 80, "bpf_ringbuf_reserve(opens, 80) in trace_openat, whose result"}}},
		{"inline_helper", map[string]want{"exits": {"struct exit_event", 16, "in on_exit sends a stack variable"}}},
		{"two_maps", map[string]want{
			"connects": {"struct conn_event", 12, "bpf_ringbuf_reserve(connects, 12) in on_connect"},
			"closes":   {"struct close_event", 24, "bpf_perf_event_output(closes, 24) in on_close"},
		}},
		{"typedef_anon", map[string]want{"ticks": {"tick_t", 16, "bpf_ringbuf_reserve(ticks, 16) in on_tick, whose result a tick_t * variable holds"}}},
		{"subprog", map[string]want{
			"nets":  {"struct net_event", 24, "in send_net sends a stack variable"},
			"loops": {"struct loop_event", 32, "bpf_ringbuf_reserve(loops, 32) in loop_once"},
		}},
		{"kernel_sized", map[string]want{"out64": {"struct rec64", 64, "64-byte structs used in on_write: struct rec64, struct trace_event_raw_sys_enter; preferred: not from vmlinux.h"}}},
		{"global_buf", map[string]want{"gout": {"struct gsample", 24, "bpf_ringbuf_output(gout, 24) in send_global sends global variable sample_g"}}},
		{"weak", map[string]want{"weak_events": {"struct weak_event", 8, "bpf_ringbuf_reserve(weak_events, 8)"}}},
		// Same-sized structs in scope and no telling names: only the location lists
		// of the pointer variables decide.
		{"pointer_var", map[string]want{
			"sink":  {"struct payload", 16, "bpf_ringbuf_reserve(sink, 16) in to_sink, whose result a struct payload * variable holds"},
			"blobs": {"struct msg", 128, "bpf_perf_event_output(blobs, len) in to_blobs sends a value of map buffer that a struct msg * variable holds"},
			"hdrs":  {"struct hdr", 8, "bpf_ringbuf_reserve(hdrs, 40) in to_hdrs, whose result a struct hdr * variable holds"},
		}},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			t.Parallel()
			got, err := Infer(fixture(t, c.fixture), nil)
			if err != nil {
				t.Fatalf("Infer: %v", err)
			}
			checkResults(t, got, c.want)
		})
	}
}

// checkResults asserts exactly the wanted maps, in name order, with their struct,
// size and evidence.
func checkResults(t *testing.T, got []Result, wants map[string]want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d results %+v, want maps %v", len(got), got, sortedKeys(wants))
	}
	for i, r := range got {
		if i > 0 && got[i-1].Map >= r.Map {
			t.Errorf("results not sorted by map: %q before %q", got[i-1].Map, r.Map)
		}
		w, ok := wants[r.Map]
		if !ok {
			t.Errorf("unexpected map %q: %+v", r.Map, r)
			continue
		}
		if r.Struct != w.Struct || r.Size != w.Size {
			t.Errorf("map %s: got %s (%d bytes), want %s (%d bytes); evidence: %s", r.Map, r.Struct, r.Size, w.Struct, w.Size, r.Evidence)
		}
		if !strings.Contains(r.Evidence, w.evidence) {
			t.Errorf("map %s: evidence %q does not contain %q", r.Map, r.Evidence, w.evidence)
		}
	}
}

func TestInferDWARF4(t *testing.T) {
	// -gdwarf-4 keeps location lists in .debug_loc instead of .debug_loclists.
	got, err := Infer(fixture(t, "pointer_var", "-gdwarf-4"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, map[string]want{
		"sink":  {"struct payload", 16, "whose result a struct payload * variable holds"},
		"blobs": {"struct msg", 128, "that a struct msg * variable holds"},
		"hdrs":  {"struct hdr", 8, "whose result a struct hdr * variable holds"},
	})
}

func TestInferAmbiguous(t *testing.T) {
	got, err := Infer(fixture(t, "ambiguous"), nil)
	var amb *AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("want *AmbiguousError, got %v", err)
	}
	if amb.Map != "out" || !reflect.DeepEqual(amb.Candidates, []string{"struct alpha", "struct beta"}) {
		t.Errorf("got map %q candidates %q, want out [struct alpha struct beta]", amb.Map, amb.Candidates)
	}
	const msg = "event type of map out is ambiguous: struct alpha, struct beta fit; choose one with `nomia build --event-type out=STRUCT` or a source line `// nomia:event-type out STRUCT`"
	if err.Error() != msg {
		t.Errorf("message:\n got %s\nwant %s", err, msg)
	}
	// The other map of the object is still decided.
	checkResults(t, got, map[string]want{"clean": {"struct clean_event", 24, "bpf_ringbuf_reserve(clean, 24) in emit_clean"}})
}

func TestInferOverrides(t *testing.T) {
	amb := fixture(t, "ambiguous")
	for _, name := range []string{"beta", "struct beta", " struct  beta "} {
		got, err := Infer(amb, map[string]string{"out": name})
		if err != nil {
			t.Fatalf("override out=%q: %v", name, err)
		}
		checkResults(t, got, map[string]want{
			"out":   {"struct beta", 16, "chosen by the user"},
			"clean": {"struct clean_event", 24, "emit_clean"},
		})
	}

	// An override wins over a decided inference, and may name a typedef.
	got, err := Infer(fixture(t, "two_maps"), map[string]string{"closes": "conn_event"})
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, map[string]want{
		"closes":   {"struct conn_event", 12, "chosen by the user"},
		"connects": {"struct conn_event", 12, "on_connect"},
	})
	got, err = Infer(fixture(t, "typedef_anon"), map[string]string{"ticks": "tick_t"})
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, map[string]want{"ticks": {"tick_t", 16, "chosen by the user"}})

	for _, c := range []struct {
		overrides map[string]string
		msg       string
	}{
		{map[string]string{"out": "gamma"}, `event type override out=gamma: no struct or typedef "gamma" in the object's debug info`},
		{map[string]string{"nope": "alpha"}, `event type override for map "nope": the object has no ring-buffer or perf-event-array map of that name (event maps: clean, out)`},
	} {
		_, err := Infer(amb, c.overrides)
		if err == nil || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("overrides %v: got error %v, want one line containing %q", c.overrides, err, c.msg)
		}
	}
}

func TestInferMarkersAsOverrides(t *testing.T) {
	// The intended flow: markers in the source become overrides.
	src := []byte("/* nomia:event-type out struct alpha */\n")
	got, err := Infer(fixture(t, "ambiguous"), Markers(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, map[string]want{
		"out":   {"struct alpha", 16, "chosen by the user"},
		"clean": {"struct clean_event", 24, "emit_clean"},
	})
}

func TestInferBadInput(t *testing.T) {
	for name, obj := range map[string][]byte{
		"empty":          nil,
		"garbage":        []byte("not an ELF object at all"),
		"ELF magic only": []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	} {
		res, err := Infer(obj, nil)
		if err == nil || res != nil {
			t.Errorf("%s: got %v, %v; want an error", name, res, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "infer event types: read BPF object") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q is not the one-line read error", name, err)
		}
	}
}

func TestInferWithoutDebugInfo(t *testing.T) {
	// Without -g there is no DWARF: the error says so and how to fix it.
	obj := compileWithout(t, "reserve", "-g")
	_, err := Infer(obj, nil)
	if err == nil || !strings.Contains(err.Error(), "no DWARF") || !strings.Contains(err.Error(), "clang -g") {
		t.Fatalf("got %v, want a no-DWARF error with the -g hint", err)
	}
}

func TestInferNoEventMaps(t *testing.T) {
	obj := compileSource(t, `#include "common.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, u32); __type(value, u64); } counts SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_getpid")
int count(void *ctx) { u32 k = 0; u64 *v = bpf_map_lookup_elem(&counts, &k); if (v) __sync_fetch_and_add(v, 1); return 0; }
`)
	got, err := Infer(obj, nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no results and no error", got, err)
	}
}

func TestInferUnknownSize(t *testing.T) {
	// Data of run-time size from an untyped buffer: nothing can tell the struct.
	obj := compileSource(t, `#include "common.h"
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __uint(key_size, 4); __uint(value_size, 256); } buf SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } blobs SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_getpid")
int blob(void *ctx) {
	u32 k = 0; char *b = bpf_map_lookup_elem(&buf, &k);
	if (!b) return 0;
	u64 n = bpf_get_prandom_u32() & 127;
	bpf_ringbuf_output(&blobs, b, n, 0);
	return 0;
}
`)
	_, err := Infer(obj, nil)
	const msg = "cannot infer the event type of map blobs: bpf_ringbuf_output(blobs, len) in blob sends a value of map buf of a size known only at run time; name the struct with `nomia build --event-type blobs=STRUCT` or a source line `// nomia:event-type blobs STRUCT`"
	if err == nil || err.Error() != msg {
		t.Fatalf("got %v\nwant %s", err, msg)
	}
}

func TestInferSkipsSilentSites(t *testing.T) {
	// One site names the struct; the other sends untyped bytes of run-time length,
	// which says nothing and must not block the answer.
	obj := compileSource(t, `#include "common.h"
struct mixed_event { u64 ts; u32 pid; u32 cpu; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __uint(key_size, 4); __uint(value_size, 256); } raw SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } mixed SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_getpid")
int typed(void *ctx) {
	struct mixed_event e = {};
	e.ts = bpf_ktime_get_ns();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_ringbuf_output(&mixed, &e, sizeof(e), 0);
	return 0;
}
SEC("tracepoint/syscalls/sys_enter_gettid")
int untyped(void *ctx) {
	u32 k = 0; char *b = bpf_map_lookup_elem(&raw, &k);
	if (!b) return 0;
	bpf_ringbuf_output(&mixed, b, bpf_get_prandom_u32() & 127, 0);
	return 0;
}
`)
	got, err := Infer(obj, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, map[string]want{"mixed": {"struct mixed_event", 16, "stack variable of type struct mixed_event (and 1 more call sites)"}})
}
