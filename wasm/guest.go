package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// guest is the host-side state of one running guest: the objects it loaded,
// by handle. Host calls arrive on the guest's goroutine one at a time, so the
// state needs no lock.
type guest struct {
	cfg        *Config
	log        io.Writer
	objects    map[uint64]*object
	lastHandle uint64 // the last handle given out; handles start at 1, 0 is failure
	// mod is the guest module, whose memory records are copied to.
	mod api.Module
	// drainTable and drainExport are the trampolines' drain functions for
	// sample_func and for the callback export; nil (and noTable, noExport
	// say why) when the guest exports no function table or no callback.
	drainTable, drainExport api.Function
	noTable, noExport       error
	// draining is the poll the trampoline is delivering, nil between polls.
	draining *drain
}

func newGuest(cfg *Config) *guest {
	log := cfg.Log
	if log == nil {
		log = io.Discard
	}
	return &guest{cfg: cfg, log: log, objects: map[uint64]*object{}}
}

// logf writes one line about a failed host call; newlines in kernel or
// library messages are folded so that the line stays one line.
func (g *guest) logf(call, format string, args ...any) {
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", "; ")
	fmt.Fprintf(g.log, "wasm_bpf: %s: %s\n", call, msg)
}

// object returns the guest's object with handle h.
func (g *guest) object(h uint64) (*object, error) {
	o := g.objects[h]
	if o == nil {
		return nil, fmt.Errorf("object handle %d is not an object this guest loaded (or it was closed)", h)
	}
	return o, nil
}

// mapByFD returns the map whose descriptor is fd among the guest's own objects:
// a guest may not name a descriptor it did not get from wasm_bpf_map_fd_by_name.
func (g *guest) mapByFD(fd int32) (*ebpf.Map, string, error) {
	for _, o := range g.objects {
		if m, name := o.mapByFD(fd); m != nil {
			return m, name, nil
		}
	}
	return nil, "", fmt.Errorf("fd %d is not a map of an object this guest loaded", fd)
}

// closeAll closes the objects the guest left open, in load order.
func (g *guest) closeAll() error {
	handles := make([]uint64, 0, len(g.objects))
	for h := range g.objects {
		handles = append(handles, h)
	}
	sort.Slice(handles, func(i, j int) bool { return handles[i] < handles[j] })
	var errs []error
	for _, h := range handles {
		errs = append(errs, g.closeObject(g.objects[h]))
		delete(g.objects, h)
	}
	return errors.Join(errs...)
}

// closeObject closes o, first saying how many records were lost because a
// perf buffer or ring buffer was full: the guest cannot know.
func (g *guest) closeObject(o *object) error {
	for _, b := range o.buffers {
		if b.lost > 0 {
			g.logf("wasm_close_bpf_object", "map %s: the kernel dropped %d records because the perf buffer was full", b.name, b.lost)
		}
	}
	losses := o.ringLosses()
	for _, ring := range slices.Sorted(maps.Keys(losses)) {
		if n := losses[ring]; n > 0 {
			g.logf("wasm_close_bpf_object", "map %s: %d records were lost because the ring buffer was full", ring, n)
		}
	}
	return o.close()
}

// abort ends the guest from inside a host call: wazero unwinds the guest's
// stack and returns the error from _start.
type abort struct{ err error }

func (a *abort) Error() string { return a.err.Error() }
func (a *abort) Unwrap() error { return a.err }

// callback calls a trampoline's drain, which calls the guest's record
// callback. A trap in the callback ends the guest with an abort; an exit in
// it ends the guest with its exit code.
func (g *guest) callback(ctx context.Context, fn api.Function, what string, args ...uint64) int32 {
	res, err := fn.Call(ctx, args...)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		// The guest exited inside its callback (or was cancelled there): end
		// it the same way, keeping the exit code.
		panic(exit)
	}
	if err != nil {
		panic(&abort{fmt.Errorf("%s failed: %s%s", what, firstLine(err), where(err))})
	}
	if len(res) == 0 {
		return 0
	}
	return int32(res[0])
}

// firstLine is the first line of err's message: wazero appends a stack trace.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
