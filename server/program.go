package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"nomia.dev/nomia"
	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/decode"
	"nomia.dev/nomia/mapview"
	"nomia.dev/nomia/server/api"
)

// program is one package the server runs: its instance, the goroutine that
// reads its events into a bounded buffer, and its counters.
type program struct {
	name    string
	object  string
	args    []string
	options api.RunOptions
	started time.Time
	buf     *eventBuffer

	// mu guards inst, views and failure: map reads hold it shared so that Stop
	// never closes maps under them.
	mu      sync.RWMutex
	inst    *nomia.Instance
	views   []*mapview.View
	failure string
	notes   []string
	plan    sync.Mutex // serializes MapViews calls after start
	rec     *record    // what the state dir holds for it; nil without one

	paused       atomic.Bool
	events       atomic.Uint64
	decodeErrors atomic.Uint64
	pausedDrops  atomic.Uint64
	overwritten  atomic.Uint64

	cancel context.CancelFunc
	done   chan struct{} // closed when the reader goroutine returns
}

// newProgram prepares pkg with the client's flags without touching the
// kernel; its errors are the client's (400s), unlike start's.
func newProgram(name string, pkg *bpfpkg.Package, args []string, opts api.RunOptions, bufSize int, sym mapview.Symbolizer) (*program, error) {
	inst, err := nomia.New(pkg)
	if err != nil {
		return nil, fmt.Errorf("package: %v", err)
	}
	if err := parseArgs(inst.FlagSet(), args); err != nil {
		return nil, err
	}
	views, err := inst.MapViews(mapview.Options{Symbolizer: sym})
	if err != nil {
		return nil, fmt.Errorf("maps: %v", err)
	}
	return &program{
		name: name, object: pkg.Meta.Skel.ObjName, args: args, options: opts,
		buf: newEventBuffer(bufSize), inst: inst, views: views, done: make(chan struct{}),
	}, nil
}

// parseArgs parses a program's flags as `nomia run` does after SOURCE.
func parseArgs(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		var names []string
		fs.VisitAll(func(f *pflag.Flag) { names = append(names, "--"+f.Name) })
		return fmt.Errorf("program flags: --help is not served here; the program's flags are: %s", strings.Join(names, " "))
	}
	if err != nil {
		return fmt.Errorf("program flags: %v (list them: nomia run SOURCE --help)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("program flags: unexpected argument %q: flags are --name value", fs.Arg(0))
	}
	return nil
}

// start loads and attaches the program and starts reading its events.
func (p *program) start() error {
	var notes noteLines
	err := p.inst.Start(nomia.Options{
		Target: attach.Target{Iface: p.options.Iface, Cgroup: p.options.Cgroup, PID: p.options.PID,
			Binary: p.options.Binary, Freq: p.options.Freq},
		Notes:       &notes,
		RingBufSize: p.options.RingBufSize,
		Skip:        p.options.Skip,
		Attach:      p.options.Attach,
	})
	p.notes = notes.lines()
	if err != nil {
		close(p.done)
		return err
	}
	p.started = time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.read(ctx)
	return nil
}

// read delivers events into the buffer until ctx ends or the reader fails; a
// failure leaves the program detached and in the failed state.
func (p *program) read(ctx context.Context) {
	defer close(p.done)
	defer p.buf.close()
	var pending int
	err := p.inst.Run(ctx, func(ev nomia.Event) {
		p.events.Add(1)
		if p.paused.Load() {
			p.pausedDrops.Add(1)
			return
		}
		if ev.Decoder != nil && len(ev.Data) < ev.Decoder.Size() {
			p.decodeErrors.Add(1)
		}
		p.buf.add(ev)
		// Wake streams per batch, and every 256 events within a long one.
		if pending++; pending >= 256 {
			pending = 0
			p.buf.wake()
		}
	}, func() {
		pending = 0
		p.buf.wake()
	})
	if err != nil {
		p.mu.Lock()
		p.failure = "reading events: " + err.Error()
		p.inst.Close()
		p.mu.Unlock()
	}
}

// appendEvent appends the JSON of api.Event.
func appendEvent(dst []byte, seq uint64, ev nomia.Event) []byte {
	dst = fmt.Appendf(dst, `{"seq":%d,"time":"`, seq)
	dst = ev.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","map":`...)
	dst = decode.AppendJSONString(dst, []byte(ev.Map))
	dst = append(dst, `,"data":`...)
	dst = ev.AppendJSON(dst)
	return append(dst, '}')
}

// stop ends event delivery, detaches everything and frees the kernel objects.
func (p *program) stop() error {
	if p.cancel != nil {
		p.cancel()
	}
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	p.views = nil
	if p.inst == nil {
		return nil
	}
	return p.inst.Close()
}

// describe reports the program as the API shows it.
func (p *program) describe() api.Program {
	p.mu.RLock()
	defer p.mu.RUnlock()
	d := api.Program{
		Name: p.name, State: api.Running, Error: p.failure, Object: p.object, Started: p.started,
		Args: p.args, Options: p.options, Notes: p.notes,
		Counters: api.Counters{
			Events: p.events.Load(), DecodeErrors: p.decodeErrors.Load(),
			Paused: p.pausedDrops.Load(), Overwritten: p.overwritten.Load(),
		},
	}
	if p.paused.Load() {
		d.State = api.Paused
	}
	if p.failure != "" {
		d.State = api.Failed
	}
	if p.inst == nil {
		return d
	}
	run := p.inst.Running()
	if run == nil {
		return d
	}
	d.EventMaps = p.inst.EventMaps()
	if lost := p.inst.Lost(); len(lost) > 0 {
		d.Counters.Lost = lost
	}
	for _, a := range run.Attached {
		at := api.Attached{Name: a.Name, Section: a.Section}
		if prog := run.Collection.Programs[a.Name]; prog != nil {
			if info, err := prog.Info(); err == nil {
				id, _ := info.ID()
				at.ID = uint32(id)
			}
		}
		d.Programs = append(d.Programs, at)
	}
	for _, s := range run.Skipped {
		d.Skipped = append(d.Skipped, api.Skipped{Name: s.Name, Section: s.Section, Reason: s.Reason})
	}
	shown := map[string]string{}
	for _, v := range p.views {
		shown[v.Name()] = v.Kind().String()
	}
	for _, name := range slices.Sorted(maps.Keys(run.Collection.Maps)) {
		m := run.Collection.Maps[name]
		d.Maps = append(d.Maps, api.Map{Name: name, Type: m.Type().String(), MaxEntries: m.MaxEntries(), View: shown[name]})
	}
	return d
}

// failed makes a placeholder for a stored program that could not start again,
// so that the failure shows in the list and Stop can remove it.
func failedProgram(name string, rec *record, err error) *program {
	p := &program{name: name, args: rec.Args, options: rec.Options, buf: newEventBuffer(1),
		failure: err.Error(), done: make(chan struct{})}
	close(p.done)
	p.buf.close()
	return p
}

// noteLines collects the runner's notes, one per line.
type noteLines struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write keeps b; the runner writes whole lines.
func (n *noteLines) Write(b []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b.Write(b)
}

func (n *noteLines) lines() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.FieldsFunc(n.b.String(), func(r rune) bool { return r == '\n' })
}
