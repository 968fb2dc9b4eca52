package wasm

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
)

// magic is the prctl option testdata/events.bpf.c reacts to; the kernel
// rejects it with EINVAL, so the calls have no other effect.
const magic = 0x4e4f4d49

// trigger makes the BPF program see seq 1..n from this process.
func trigger(n int) {
	for seq := 1; seq <= n; seq++ {
		unix.Prctl(magic, uintptr(seq), 0, 0, 0)
	}
}

// runGuest runs module with args, firing n events once the guest prints
// "attached", and returns its exit code, error, stdout and host log.
func runGuest(t *testing.T, ctx context.Context, module []byte, n int, cfg Config) (int, error, string, string) {
	t.Helper()
	out := newOutput("attached")
	var log bytes.Buffer
	cfg.Stdout, cfg.Stderr, cfg.Log = out, out, &log
	go func() {
		select {
		case <-out.ready:
			trigger(n)
		case <-ctx.Done():
		}
	}()
	code, err := Run(ctx, module, cfg)
	return code, err, out.String(), log.String()
}

// wantEvents is what the test guests print after receiving n events:
// seq 1..n on both buffers, values 3·seq in counts, key 1 deleted.
func wantEvents(n int) string {
	sum := n * (n + 1) / 2
	return fmt.Sprintf("attached\nevents %d seqsum %d small %d smallsum %d bad 0 comm wasm.test\n"+
		"keys %d sum %d delete 0 lookup-after-delete -2 close 0\n", n, sum, n, sum, n, 3*sum)
}

// TestGuestsEndToEnd runs a C guest (table-index callback), the same C guest
// built against the callback-wrapper variant, and a Go wasip1 guest (callback
// wrapper): each loads and attaches a tracepoint program, sets its filter
// through a map update, receives every one of n 8 KiB ring-buffer events and
// n perf-buffer events with the values the kernel wrote, and walks, reads and
// deletes map entries through the host.
func TestGuestsEndToEnd(t *testing.T) {
	const n = 50 // 50 × 8 KiB records: more than one poll's worth of upstream's 4 KiB buffer
	guests := map[string]func(testing.TB) []byte{
		"c":         func(t testing.TB) []byte { return cGuest(t) },
		"c-wrapper": func(t testing.TB) []byte { return cGuest(t, "WRAPPER") },
		"go":        func(t testing.TB) []byte { return goGuest(t) },
	}
	for name, build := range guests {
		t.Run(name, func(t *testing.T) {
			module := build(t)
			bpftest.NoLeaks(t, "on_prctl")
			args := []string{"guest", "events", fmt.Sprint(os.Getpid()), fmt.Sprint(n)}
			if name == "go" {
				args = []string{"guest", fmt.Sprint(os.Getpid()), fmt.Sprint(n)}
			}
			code, err, stdout, log := runGuest(t, context.Background(), module, n, Config{Args: args})
			if err != nil || code != 0 {
				t.Fatalf("Run = %d, %v; output:\n%s\nlog:\n%s", code, err, stdout, log)
			}
			if want := wantEvents(n); stdout != want {
				t.Errorf("guest printed\n%s\nwant\n%s", stdout, want)
			}
			if log != "" {
				t.Errorf("host logged %q for a well-behaved guest", log)
			}
		})
	}
}

// TestOnePollDeliversAll checks that one poll delivers every record that is
// ready (wasm-bpf's host delivers only the last), through both callbacks:
// 500 32-byte records wait in the ring when the guest polls once.
func TestOnePollDeliversAll(t *testing.T) {
	for name, module := range map[string]func(testing.TB) []byte{
		"c":          func(t testing.TB) []byte { return cGuest(t, "TAIL=8") },
		"go-wrapper": func(t testing.TB) []byte { return goGuest(t, "TAIL=8") },
	} {
		t.Run(name, func(t *testing.T) {
			bpftest.NoLeaks(t, "on_prctl")
			if got, polls, _ := drainGuest(t, module(t), 500, "guest", "drain", fmt.Sprint(os.Getpid())); polls != 1 {
				t.Errorf("the guest needed %d polls for %d records that were ready, want 1", polls, got)
			}
		})
	}
}

// TestPatchedGlobal has the C guest set a const volatile global the way
// wasm-bpf guests do, by writing its bytes in the ELF's .rodata before load:
// the events carry the patched value.
func TestPatchedGlobal(t *testing.T) {
	const n = 3
	bpftest.NoLeaks(t, "on_prctl")
	args := []string{"guest", "events", fmt.Sprint(os.Getpid()), fmt.Sprint(n), fmt.Sprint(rodataOffset(t, bpfObject(t), "mark"))}
	code, err, stdout, log := runGuest(t, context.Background(), cGuest(t), n, Config{Args: args})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v\n%s\n%s", code, err, stdout, log)
	}
	// The guest counts an event whose tail[0] is not the patched 0xcd as bad.
	if want := wantEvents(n); stdout != want {
		t.Errorf("guest printed\n%s\nwant\n%s", stdout, want)
	}
}

// rodataOffset is the file offset of the global sym in the object's .rodata.
func rodataOffset(t *testing.T, obj []byte, sym string) int64 {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == sym && int(s.Section) < len(f.Sections) && f.Sections[s.Section].Name == ".rodata" {
			return int64(f.Sections[s.Section].Offset + s.Value)
		}
	}
	t.Fatalf("the object has no global %s in .rodata", sym)
	return 0
}

// TestRecordLargerThanBuffer polls an 8 KiB event into a 64-byte buffer: the
// guest gets the first 64 bytes, and the host says once that it cut records.
func TestRecordLargerThanBuffer(t *testing.T) {
	bpftest.NoLeaks(t, "on_prctl")
	code, err, stdout, log := runGuest(t, context.Background(), cGuest(t), 1, Config{Args: []string{"guest", "trunc", fmt.Sprint(os.Getpid())}})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v\n%s", code, err, stdout)
	}
	if stdout != "attached\nsize 64\n" {
		t.Errorf("guest printed %q, want a 64-byte record", stdout)
	}
	want := "wasm_bpf: wasm_bpf_buffer_poll: map events: a record of 8216 bytes was cut to the guest's 64-byte buffer; poll with a buffer as large as the map's records\n"
	if log != want {
		t.Errorf("host logged %q, want %q", log, want)
	}
}

// TestRingLossesReported fires 200 8 KiB events while the guest waits: its
// 1 MiB ring holds 127 of them (8224 bytes each with the header). The guest
// receives those and exits, and the host says the full ring refused the other
// 73, which the guest could not know.
func TestRingLossesReported(t *testing.T) {
	const fired, held = 200, 127
	bpftest.NoLeaks(t, "on_prctl")
	got, _, _, log := runDrain(t, cGuest(t), []drainBatch{{fire: fired, receive: held}}, "guest", "drain", fmt.Sprint(os.Getpid()))
	if got != held {
		t.Fatalf("the guest received %d records, want %d", got, held)
	}
	want := fmt.Sprintf("wasm_bpf: wasm_close_bpf_object: map events: %d records were lost because the ring buffer was full\n", fired-held)
	if !strings.Contains(log, want) {
		t.Errorf("host log lacks %q:\n%s", want, log)
	}
}

// TestAttachTarget attaches an xdp program to the interface the guest names
// (wasm-bpf's attach_target), and fails with one log line for a missing one.
func TestAttachTarget(t *testing.T) {
	bpftest.NoLeaks(t, "on_xdp")
	var out, log strings.Builder
	code, err := Run(context.Background(), cGuest(t), Config{Args: []string{"guest", "xdp"}, Stdout: &out, Log: &log})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v\n%s", code, err, out.String())
	}
	if want := "xdp-lo 0\nxdp-missing -22\nclose 0\n"; out.String() != want {
		t.Errorf("guest printed %q, want %q", out.String(), want)
	}
	checkLog(t, log.String(), []string{"wasm_bpf: wasm_attach_bpf_program: program on_xdp (xdp): "})
}

// TestExitCode checks that the guest's exit code becomes Run's, with no error,
// -1 included (which WASI carries as 0xffffffff, wazero's code for a
// cancelled context).
func TestExitCode(t *testing.T) {
	if code, err := Run(context.Background(), cGuest(t), Config{Args: []string{"guest", "exit-1"}}); err != nil || code != -1 {
		t.Errorf("Run of a guest returning -1 = %d, %v; want -1 and no error", code, err)
	}
	var out bytes.Buffer
	code, err := Run(context.Background(), cGuest(t), Config{Args: []string{"guest", "nosuchmode"}, Stdout: &out})
	if err != nil || code != 2 {
		t.Fatalf("Run = %d, %v; want exit code 2 and no error", code, err)
	}
	if got := out.String(); got != "unknown mode nosuchmode\n" {
		t.Errorf("stdout = %q", got)
	}
}

// TestExitInCallback checks that a guest calling exit inside its record
// callback ends with that exit code, no error, and nothing attached.
func TestExitInCallback(t *testing.T) {
	for _, defines := range [][]string{nil, {"WRAPPER"}} {
		t.Run(fmt.Sprint(defines), func(t *testing.T) {
			bpftest.NoLeaks(t, "on_prctl")
			code, err, stdout, _ := runGuest(t, context.Background(), cGuest(t, defines...), 1, Config{Args: []string{"guest", "exit", fmt.Sprint(os.Getpid())}})
			if err != nil || code != 7 {
				t.Fatalf("Run = %d, %v; want exit code 7 and no error\n%s", code, err, stdout)
			}
		})
	}
}

// TestLoadErrorTrampoline checks the one-line reason for an object the kernel
// refuses: a fentry program on a kernel without BPF trampolines.
func TestLoadErrorTrampoline(t *testing.T) {
	o, err := loadObject(bpftest.Object(t, "testdata/fentry.bpf.c", bpftest.Options{}))
	if err == nil {
		o.close()
		t.Skip("this kernel loads fentry programs")
	}
	want := "load BPF object: program on_unlink (fentry/do_unlinkat): the kernel refuses BPF trampoline programs (fentry/fexit/fmod_ret/lsm): operation not permitted"
	if err.Error() != want {
		t.Errorf("loadObject: %v\nwant %s", err, want)
	}
}

// TestNotAGuest checks the one-line errors for modules that cannot run.
func TestNotAGuest(t *testing.T) {
	for name, tc := range map[string]struct {
		module []byte
		want   string
	}{
		"garbage":   {[]byte("not wasm"), "wasm: compile module: "},
		"no _start": {tableTrampoline(), "wasm: the module exports no _start"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.module, Config{})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Run: %v; want one line starting %q", err, tc.want)
			}
		})
	}
}

// TestCompilationCacheDir checks that a run with CacheDir leaves compiled
// code there for the next run.
func TestCompilationCacheDir(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(context.Background(), cGuest(t), Config{Args: []string{"guest", "x"}, CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Errorf("cache directory %s after a run: %v, %v; want compiled modules", dir, entries, err)
	}
}
