package nomia_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/mapview"
)

// TestPrintMaps goes through the map side of the Go API with examples/readsize:
// a wrong name fails before load, the planned views print what a renamed dd
// read, in text and JSON, and clear empties them.
func TestPrintMaps(t *testing.T) {
	bpftest.RequireKernel(t)
	inst, err := nomia.New(buildExample(t, "readsize"))
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	if _, err := inst.MapViews(mapview.Options{Names: []string{"nosuch"}}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("MapViews with an unknown name = %v, want a one-line error", err)
	}
	views, err := inst.MapViews(mapview.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range views {
		names = append(names, v.Name())
	}
	if got := strings.Join(names, ","); got != "bytes,sizes" {
		t.Fatalf("views = %s, want bytes,sizes", got)
	}
	if err := inst.PrintMaps(&bytes.Buffer{}, views, false, false); err == nil {
		t.Error("PrintMaps before Start succeeded")
	}

	comm := fmt.Sprintf("pm%d", os.Getpid()%1000000)
	dd := filepath.Join(t.TempDir(), comm)
	data, err := os.ReadFile("/bin/dd")
	if err != nil {
		t.Skipf("no /bin/dd: %v", err)
	}
	if err := os.WriteFile(dd, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := inst.Set("targ_comm", comm); err != nil {
		t.Fatal(err)
	}
	if err := inst.Start(nomia.Options{Notes: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(dd, "if=/dev/zero", "of=/dev/null", "bs=70000", "count=7").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", dd, err, out)
	}

	var text, js bytes.Buffer
	if err := inst.PrintMaps(&text, views, false, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@bytes:\n", "\n@sizes:\ncomm = " + comm + "\n", "     65536 -> 131071     : 7        |"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := inst.PrintMaps(&js, views, true, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"map":"bytes","key":{"comm":"`+comm+`"},"value":`) ||
		!strings.Contains(lines[1], `{"low":65536,"high":131071,"count":7}`) {
		t.Errorf("JSON lines:\n%s", js.String())
	}
	text.Reset()
	if err := inst.PrintMaps(&text, views, false, false); err != nil {
		t.Fatal(err)
	}
	if text.Len() != 0 {
		t.Errorf("after a print with clear the maps still print:\n%s", text.String())
	}
}

// TestSkip leaves a program out, as libbpf-tools' loaders turn some off: it
// is neither loaded nor attached, and the instance runs with the rest.
func TestSkip(t *testing.T) {
	bpftest.RequireKernel(t)
	inst, err := nomia.New(buildExample(t, "opensnoop"))
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	if err := inst.Start(nomia.Options{Notes: &bytes.Buffer{}, Skip: []string{"trace_exit_openat"}}); err != nil {
		t.Fatal(err)
	}
	r := inst.Running()
	if len(r.Attached) != 1 || r.Attached[0].Name != "trace_enter_openat" {
		t.Errorf("attached %v, want only trace_enter_openat", r.Attached)
	}
	if _, loaded := r.Collection.Programs["trace_exit_openat"]; loaded {
		t.Error("the skipped program was loaded")
	}
}
