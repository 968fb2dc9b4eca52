package wasm

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// TestHostileOutOfBounds passes pointers past the end of memory and sizes up
// to 2 GiB to every call: each fails with -EFAULT (or 0 / -1 where the call
// has no errno) and one log line, and the guest runs on to a normal exit.
func TestHostileOutOfBounds(t *testing.T) {
	bpftest.NoLeaks(t, "on_prctl")
	code, err, stdout, log := runGuest(t, context.Background(), cGuest(t), 0, Config{Args: []string{"guest", "oob"}})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v\n%s", code, err, stdout)
	}
	want := "load-garbage 0\nload-oob 0\nload-huge 0\nattach-name -14\nattach-missing -22\nfd-name -1\nfd-skeleton-name 1\n" +
		"lookup-key -14\nlookup-value -14\nbad-cmd -22\npoll-data -14\npoll-huge -14\npoll-hash -22\nclose 0\n"
	if stdout != want {
		t.Errorf("guest printed\n%s\nwant\n%s", stdout, want)
	}
	wantLog := []string{
		"wasm_bpf: wasm_load_bpf_object: parse BPF object: ",
		"wasm_bpf: wasm_load_bpf_object: object buffer [0xffffff00, +4096) is outside the guest's",
		"wasm_bpf: wasm_load_bpf_object: object buffer [0x",
		"wasm_bpf: wasm_attach_bpf_program: program name pointer 0xfffffff0 is outside the guest's",
		`wasm_bpf: wasm_attach_bpf_program: the object has no program "no_such_prog"`,
		"wasm_bpf: wasm_bpf_map_fd_by_name: map name pointer 0x7ffffff0 is outside the guest's",
		"wasm_bpf: wasm_bpf_map_operate: map counts: key [0xfffffffe, +4) is outside",
		"wasm_bpf: wasm_bpf_map_operate: map counts: value [0xfffffffc, +8) is outside",
		"wasm_bpf: wasm_bpf_map_operate: map counts: command 0: want 1 (lookup)",
		"wasm_bpf: wasm_bpf_buffer_poll: data buffer [0xfffff000, +8192) is outside",
		"wasm_bpf: wasm_bpf_buffer_poll: data buffer [0x",
		"wasm_bpf: wasm_bpf_buffer_poll: map counts is a Hash, not a ring buffer or perf event array",
	}
	checkLog(t, log, wantLog)
}

// TestHostileForeignDescriptors names descriptors the guest did not get from
// the host (stdio, an unknown number, a map of a closed object) and handles it
// never had: every call is refused, and the object the guest leaves open is
// closed by the host.
func TestHostileForeignDescriptors(t *testing.T) {
	bpftest.NoLeaks(t, "on_prctl")
	code, err, stdout, log := runGuest(t, context.Background(), cGuest(t), 0, Config{Args: []string{"guest", "fd"}})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v\n%s", code, err, stdout)
	}
	want := "handles 1 2\nstdio-fd-0 -9\nstdio-fd-1 -9\nstdio-fd-2 -9\nunknown-fd -9\nfd-bad-handle -1\n" +
		"attach-bad-handle -2\npoll-other-object -2\nclose-b 0\nclosed-fd -9\nclose-b-again -2\n"
	if stdout != want {
		t.Errorf("guest printed\n%s\nwant\n%s", stdout, want)
	}
	checkLog(t, log, []string{
		"wasm_bpf: wasm_bpf_map_operate: fd 0 is not a map of an object this guest loaded",
		"wasm_bpf: wasm_bpf_map_operate: fd 1 is not a map",
		"wasm_bpf: wasm_bpf_map_operate: fd 2 is not a map",
		"wasm_bpf: wasm_bpf_map_operate: fd 1000 is not a map",
		"wasm_bpf: wasm_bpf_map_fd_by_name: object handle 99 is not an object this guest loaded",
		"wasm_bpf: wasm_attach_bpf_program: object handle 0 is not an object",
		"wasm_bpf: wasm_bpf_buffer_poll: fd ",
		"wasm_bpf: wasm_bpf_map_operate: fd ",
		"wasm_bpf: wasm_close_bpf_object: object handle 2 is not an object",
	})
}

// TestHostileOtherGuestsDescriptor runs two guests at once in one process:
// the second names a map fd the first holds, and is refused.
func TestHostileOtherGuestsDescriptor(t *testing.T) {
	module := cGuest(t)
	stdin, hold := io.Pipe()
	defer hold.Close()
	out := newOutput("fd")
	holder := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), module, Config{Args: []string{"guest", "hold"}, Stdin: stdin, Stdout: out})
		holder <- err
	}()
	var fd int
	for fd == 0 {
		// The holder prints "fd N" once it has loaded its object.
		if _, err := fmt.Sscanf(out.String(), "fd %d", &fd); err != nil {
			runtime.Gosched()
		}
	}
	var used strings.Builder
	var log strings.Builder
	if _, err := Run(context.Background(), module, Config{Args: []string{"guest", "use", fmt.Sprint(fd)}, Stdout: &used, Log: &log}); err != nil {
		t.Fatal(err)
	}
	hold.Close()
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if used.String() != "use -9\n" {
		t.Errorf("a guest using another guest's map fd %d got %q, want -EBADF", fd, used.String())
	}
	checkLog(t, log.String(), []string{fmt.Sprintf("wasm_bpf: wasm_bpf_map_operate: fd %d is not a map of an object this guest loaded", fd)})
}

// TestHostileTrapInCallback traps inside the record callback: Run returns one
// line naming the callback and the trap, and the program is detached.
func TestHostileTrapInCallback(t *testing.T) {
	for _, wrapper := range []bool{false, true} {
		t.Run(fmt.Sprint("wrapper=", wrapper), func(t *testing.T) {
			var defines []string
			want := "wasm guest stopped: sample_func (table index "
			if wrapper {
				defines = []string{"WRAPPER"}
				want = "wasm guest stopped: callback export go-callback failed: wasm error: unreachable"
			}
			bpftest.NoLeaks(t, "on_prctl")
			_, err, stdout, _ := runGuest(t, context.Background(), cGuest(t, defines...), 1,
				Config{Args: []string{"guest", "trap", fmt.Sprint(os.Getpid())}})
			if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Run: %v; want one line starting %q\n%s", err, want, stdout)
			}
			t.Log(err)
			if !wrapper && !strings.HasSuffix(err.Error(), "failed: wasm error: unreachable (in on_record)") {
				t.Errorf("Run: %v; want it to end with the trap", err)
			}
		})
	}
}

// TestHostileEndlessLoop cancels a guest after it attached a program while
// it spins in a loop, waits in a poll with a timeout of 24 days, or sleeps
// for a day: Run returns the cancellation as one line and detaches.
func TestHostileEndlessLoop(t *testing.T) {
	for _, mode := range []string{"loop", "block", "sleep"} {
		t.Run(mode, func(t *testing.T) {
			bpftest.NoLeaks(t, "on_prctl")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := newOutput("attached")
			go func() {
				<-out.ready
				cancel()
			}()
			_, err := Run(ctx, cGuest(t), Config{Args: []string{"guest", mode, fmt.Sprint(os.Getpid())}, Stdout: out})
			if err == nil || err.Error() != "wasm guest stopped: context canceled" {
				t.Fatalf("Run: %v; want \"wasm guest stopped: context canceled\"\n%s", err, out)
			}
		})
	}
}

// TestHostileOutOfMemory lets a guest grow its memory until the 16 MiB limit
// refuses, then trap: the memory stays within the limit and the trap ends the
// guest with one line naming the function.
func TestHostileOutOfMemory(t *testing.T) {
	bpftest.NoLeaks(t, "on_prctl")
	const limit = 16 << 20
	var stdout strings.Builder
	_, err := Run(context.Background(), cGuest(t), Config{Args: []string{"guest", "oom", fmt.Sprint(os.Getpid())}, Stdout: &stdout, MemoryLimit: limit})
	if err == nil || !strings.HasPrefix(err.Error(), "wasm guest crashed: wasm error: unreachable (in ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Run: %v; want a one-line crash\n%s", err, stdout.String())
	}
	t.Log(err)
	var pages int
	if _, err := fmt.Sscanf(stdout.String(), "grew %d pages", &pages); err != nil {
		t.Fatalf("guest printed %q: %v", stdout.String(), err)
	}
	if pages <= 0 || pages > limit/wasmPage {
		t.Errorf("guest grew its memory by %d pages; want between 1 and the limit's %d", pages, limit/wasmPage)
	}
}

// checkLog checks that log has exactly the lines of want, in order, each
// starting with its entry.
func checkLog(t *testing.T, log string, want []string) {
	t.Helper()
	t.Logf("host log:\n%s", log)
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("host logged %d lines, want %d:\n%s", len(lines), len(want), log)
		return
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("log line %d = %q; want it to start with %q", i+1, lines[i], w)
		}
	}
}
