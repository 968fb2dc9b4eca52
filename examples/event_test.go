package examples_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// event is one decoded JSON event. Numbers stay json.Number so that 64-bit
// values are compared exactly.
type event map[string]any

func parseEvent(line string) (event, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	var ev event
	if err := dec.Decode(&ev); err != nil {
		return nil, err
	}
	if ev == nil {
		return nil, fmt.Errorf("null, not an object")
	}
	return ev, nil
}

// get follows a dotted path ("sender.pid") through nested objects.
func (e event) get(path string) (any, bool) {
	var v any = map[string]any(e)
	for _, key := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// int returns an integer field, or ok=false when it is missing or not an integer.
func (e event) int(path string) (int64, bool) {
	v, _ := e.get(path)
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// is reports whether the integer field at path equals want.
func (e event) is(path string, want int64) bool {
	got, ok := e.int(path)
	return ok && got == want
}

// str returns a string field ("" when missing or not a string).
func (e event) str(path string) string {
	v, _ := e.get(path)
	s, _ := v.(string)
	return s
}

// expect checks fields of ev against want, reporting every mismatch. Wanted
// values are Go values (int, int64, string, bool, []int); they are compared
// through their JSON text, so 64-bit numbers stay exact.
func expect(t *testing.T, ev event, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, ok := ev.get(path)
		if !ok {
			t.Errorf("event has no field %q: %v", path, ev)
			continue
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(w)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%s = %s, want %s (event %v)", path, gotJSON, wantJSON, ev)
		}
	}
	if _, ok := ev["time"]; !ok {
		t.Errorf("event has no \"time\" key: %v", ev)
	}
}

// selfComm is this test binary's comm, as the kernel reports it in events.
func selfComm(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
