package symbolize

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// probeOffset is how far into each function the tests look: inside the
// body, past the first instruction.
const probeOffset = 4

// TestUserFunctions resolves addresses inside the functions of a running C
// program and of its shared library, for PIE and non-PIE executables, with
// and without symbols.
func TestUserFunctions(t *testing.T) {
	for _, b := range []build{{pie: true}, {pie: false}, {pie: true, strip: true}, {pie: false, strip: true}} {
		name := map[bool]string{true: "pie", false: "nopie"}[b.pie] + map[bool]string{true: "-stripped", false: ""}[b.strip]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bt := buildTarget(t, b)
			tg := start(t, bt.exe, bt.libDir)
			funcs := []string{"main", "outer", "inner", "lib_exported", "lib_hidden"}
			addrs := make([]uint64, len(funcs))
			for i, f := range funcs {
				addrs[i] = tg.addrs[f] + probeOffset
			}
			frames := NewWithOptions(Options{Offsets: true}).Frames(tg.pid, false, addrs)
			for i, f := range funcs {
				want := Frame{Addr: addrs[i], Func: f, Offset: probeOffset, Module: "target"}
				if f == "lib_exported" || f == "lib_hidden" {
					want.Module = "libnomiasym.so"
				}
				switch {
				case b.strip && want.Module == "target":
					// Nothing names an executable's functions once stripped.
					want.Func, want.Offset = "", symbolValue(t, bt.unstrippedExe, f)+probeOffset
				case b.strip && f == "lib_hidden":
					// A stripped library keeps only its exported names.
					want.Func, want.Offset = "", symbolValue(t, bt.unstrippedLib, f)+probeOffset
				}
				if frames[i] != want {
					t.Errorf("%s+%d: got %+v, want %+v", f, probeOffset, frames[i], want)
				}
			}
		})
	}
}

// TestNamesFormat checks the strings Names builds, with and without offsets.
func TestNamesFormat(t *testing.T) {
	bt := buildTarget(t, build{pie: true, strip: true})
	tg := start(t, bt.exe, bt.libDir)
	addrs := []uint64{tg.addrs["lib_exported"] + probeOffset, tg.addrs["lib_hidden"] + 1, 0}
	hidden := symbolValue(t, bt.unstrippedLib, "lib_hidden") + 1
	for _, c := range []struct {
		offsets bool
		want    []string
	}{
		{false, []string{"lib_exported", withOffset("libnomiasym.so", hidden), Unknown}},
		{true, []string{"lib_exported+0x4", withOffset("libnomiasym.so", hidden), Unknown}},
	} {
		got := NewWithOptions(Options{Offsets: c.offsets}).Names(tg.pid, false, addrs)
		if !slices.Equal(got, c.want) {
			t.Errorf("Offsets=%v: got %q, want %q", c.offsets, got, c.want)
		}
	}
}

// TestDeletedExecutable resolves a process whose executable was removed
// after it started, which only /proc/PID/map_files still reaches.
func TestDeletedExecutable(t *testing.T) {
	bt := buildTarget(t, build{pie: true})
	tg := start(t, bt.exe, bt.libDir)
	if err := os.Remove(bt.exe); err != nil {
		t.Fatal(err)
	}
	got := New().Names(tg.pid, false, []uint64{tg.addrs["inner"] + probeOffset})
	if !slices.Equal(got, []string{"inner"}) {
		t.Errorf("got %q, want [inner]", got)
	}
}

// TestExitedProcess: a process that has gone has only unknown frames.
func TestExitedProcess(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("run true: %v", err)
	}
	got := New().Names(cmd.Process.Pid, false, []uint64{0x401000, 0x7f0000001000})
	if !slices.Equal(got, []string{Unknown, Unknown}) {
		t.Errorf("got %q, want two %s", got, Unknown)
	}
}

// TestMappedLater resolves a library the process mapped after its maps were
// first read: the lookup miss reads the maps again.
func TestMappedLater(t *testing.T) {
	bt := buildTarget(t, build{pie: true})
	tg := start(t, bt.exe, bt.libDir)
	tab := New()
	tab.procs[tg.pid] = nil // as if read before the library was mapped
	if got := tab.Names(tg.pid, false, []uint64{tg.addrs["lib_exported"] + 1}); !slices.Equal(got, []string{"lib_exported"}) {
		t.Errorf("got %q, want [lib_exported]", got)
	}
	tab.Refresh(tg.pid)
	if _, ok := tab.procs[tg.pid]; ok {
		t.Error("Refresh kept the pid's maps")
	}
}

//go:noinline
func goFunction() int { return runtime.NumGoroutine() }

// TestGoBinary resolves a function of this Go test binary, which go test
// builds without .symtab (-ldflags=-s): the names come from .gopclntab (or
// from .symtab when the binary was built with go test -c).
func TestGoBinary(t *testing.T) {
	pc := uint64(reflect.ValueOf(goFunction).Pointer())
	want := runtime.FuncForPC(uintptr(pc)).Name()
	f := New().Frames(os.Getpid(), false, []uint64{pc + 1})[0]
	if f.Func != want || f.Offset != 1 || f.Module != filepath.Base(os.Args[0]) {
		t.Errorf("got %+v, want %s+1 in %s", f, want, filepath.Base(os.Args[0]))
	}
}

// TestFilesShared: two processes of one executable share its parsed
// symbols, and those of every library they both map.
func TestFilesShared(t *testing.T) {
	bt := buildTarget(t, build{pie: true})
	first, second := start(t, bt.exe, bt.libDir), start(t, bt.exe, bt.libDir)
	tab := New()
	for _, tg := range []*target{first, second} {
		got := tab.Names(tg.pid, false, []uint64{tg.addrs["inner"], tg.addrs["lib_exported"]})
		if !slices.Equal(got, []string{"inner", "lib_exported"}) {
			t.Fatalf("pid %d: got %q, want [inner lib_exported]", tg.pid, got)
		}
		if len(tab.files) != 2 {
			t.Errorf("after pid %d: %d files parsed, want 2 (the executable and its library)", tg.pid, len(tab.files))
		}
	}
}
