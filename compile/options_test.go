package compile

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile/eventtype"
)

func TestBuildUserVmlinuxWins(t *testing.T) {
	requireToolchain(t)
	var log bytes.Buffer
	pkg, err := Build(context.Background(), Options{
		Source:   "testdata/uservmlinux.bpf.c",
		Includes: []string{"testdata/myinclude"},
		Log:      &log,
	})
	if err != nil {
		t.Fatalf("Build with the user's vmlinux.h: %v", err)
	}
	if len(pkg.Meta.Skel.Progs) != 1 || pkg.Meta.Skel.Progs[0].Name != "handle" {
		t.Errorf("progs = %+v", pkg.Meta.Skel.Progs)
	}
	// The user's directory is the first -I on clang's command line.
	line := log.String()
	if i, j := strings.Index(line, "-Itestdata/myinclude"), strings.Index(line, "-I"+filepath.Join(mustAbs(t, "testdata"))); i < 0 || j < 0 || i > j {
		t.Errorf("user include not first in:\n%s", line)
	}
}

func TestBuildEventTypeOverride(t *testing.T) {
	requireToolchain(t)
	byMarker, err := buildTestdata(t, "override.bpf.c")
	if err != nil {
		t.Fatal(err)
	}
	if got := exportNames(byMarker.Meta.ExportTypes); got != "open_event" {
		t.Errorf("with the source marker, export_types = %s, want open_event", got)
	}
	byOption, err := Build(context.Background(), Options{
		Source:     "testdata/override.bpf.c",
		EventTypes: map[string]string{"events": "close_event"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := exportNames(byOption.Meta.ExportTypes); got != "close_event" {
		t.Errorf("with Options.EventTypes, export_types = %s, want close_event", got)
	}
	s := exportedStruct(t, byOption, byOption.Meta.ExportTypes[0].TypeID)
	if s.Name != "close_event" || len(s.Members) != 2 || s.Members[1].Name != "fd" {
		t.Errorf("type_id resolves to %v", s)
	}
}

// TestBuildConcurrent runs builds that share one vmlinux.h cache at once; the
// atomic rename must keep every reader from seeing a partial header.
func TestBuildConcurrent(t *testing.T) {
	requireToolchain(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a cold cache for this test only
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = Build(context.Background(), Options{Source: "testdata/ringbuf.bpf.c"})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("build %d: %v", i, err)
		}
	}
}

func exportNames(types []bpfpkg.ExportType) string {
	var names []string
	for _, et := range types {
		names = append(names, et.Name)
	}
	return strings.Join(names, ",")
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestBuildAmbiguousEventType(t *testing.T) {
	_, err := buildTestdata(t, "ambiguous.bpf.c")
	var amb *eventtype.AmbiguousError
	if !errors.As(err, &amb) || amb.Map != "events" {
		t.Fatalf("error %v: want an *eventtype.AmbiguousError for map events", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "compile: testdata/ambiguous.bpf.c: ") || strings.Contains(msg, "\n") || !strings.Contains(msg, "--event-type") {
		t.Errorf("error %q: want one line naming the file and the --event-type hint", msg)
	}
}

// TestBuildCFlagsWithoutObject checks that flags which make clang succeed
// without writing a BPF object are named as the cause, not reported as an
// unreadable object by a later stage.
func TestBuildCFlagsWithoutObject(t *testing.T) {
	requireToolchain(t)
	for _, flag := range []string{"-E", "-S", "-emit-llvm", "-fsyntax-only"} {
		t.Run(flag, func(t *testing.T) {
			_, err := Build(context.Background(), Options{Source: "testdata/ringbuf.bpf.c", CFlags: []string{flag}})
			if err == nil {
				t.Fatalf("Build with --cflags %s succeeded", flag)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "compile: clang") ||
				!strings.Contains(msg, "testdata/ringbuf.bpf.c") || !strings.Contains(msg, "--cflags") {
				t.Errorf("error %q: want one line saying clang wrote no BPF object for testdata/ringbuf.bpf.c, with a --cflags hint", msg)
			}
		})
	}
}
