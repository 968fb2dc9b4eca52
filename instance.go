package nomia

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cilium/ebpf"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/events"
	"nomia.dev/nomia/globals"
	"nomia.dev/nomia/load"
	"nomia.dev/nomia/mapview"
	"nomia.dev/nomia/ringdrops"
)

// Options configure how an instance attaches and reads.
type Options struct {
	// Target holds run-time attach targets (interface, cgroup, pid, binary,
	// frequency). Without an interface, the one the package names for its xdp or
	// tc programs is used, else lo.
	Target attach.Target
	// Notes receives one-line notes, e.g. which twin program was chosen.
	// Nil means os.Stderr.
	Notes io.Writer
	// Events tunes the buffer readers.
	Events events.Options
	// Skip names programs not to load or attach, as libbpf-tools' user space
	// turns some off (biosnoop's fentry probe where tp_btf/block_io_start
	// exists). A name may be a glob ("*_enter"); one that matches no program
	// is an error.
	Skip []string
	// Attach points programs at targets their sections do not name: program
	// name → targets, each attached in turn. libbpf-tools write such probes as
	// SEC("uprobe") (gethostlatency, memleak) and attach them from user space;
	// see load.Options.Attach for the forms of a target.
	Attach map[string][]string
	// Symbolizer names the frames of events' stack ids (package symbolize's
	// *Table); nil prints addresses in hex.
	Symbolizer mapview.Symbolizer
	// FoldedStacks prints an event's stacks on one line, root first.
	FoldedStacks bool
	// RingBufSize is the least size of every ring buffer, in bytes (a power of
	// two); 0 grows each ring with a known event type to hold RingRecords of its
	// records. Rings already larger keep their size.
	RingBufSize uint32
}

// Instance is one package on its way through the kernel: created from a package,
// configured through its globals, started (loaded and attached), run, closed.
type Instance struct {
	pkg     *bpfpkg.Package
	spec    *ebpf.CollectionSpec
	vars    []globals.Var
	flags   *pflag.FlagSet
	values  *globals.Values
	streams []stream
	running *load.Running
	reader  *events.Reader
	drops   *ringdrops.Counter
}

// New prepares pkg without touching the kernel: it parses the object, lists its
// globals and finds the event type of every ring-buffer and perf-buffer map.
func New(pkg *bpfpkg.Package) (*Instance, error) {
	spec, err := pkg.Spec()
	if err != nil {
		return nil, err
	}
	vars, err := globals.List(spec, &pkg.Meta)
	if err != nil {
		return nil, err
	}
	name := pkg.Meta.Skel.ObjName
	if name == "" {
		name = "program"
	}
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	inst := &Instance{pkg: pkg, spec: spec, vars: vars, flags: fs, values: globals.Register(fs, vars)}
	if inst.streams, err = eventStreams(spec, &pkg.Meta); err != nil {
		return nil, err
	}
	return inst, nil
}

// Package returns the package the instance was made from.
func (i *Instance) Package() *bpfpkg.Package { return i.pkg }

// Globals lists the globals that can be set before Start.
func (i *Instance) Globals() []globals.Var { return i.vars }

// FlagSet returns the program's own flags, one per global, for parsing a command
// line; values parsed into it apply at Start.
func (i *Instance) FlagSet() *pflag.FlagSet { return i.flags }

// Set assigns a global by name from text, parsed for its BTF type.
func (i *Instance) Set(name, value string) error { return i.values.Set(name, value) }

// EventMaps names the maps whose records Run delivers, in delivery index order.
func (i *Instance) EventMaps() []string {
	names := make([]string, len(i.streams))
	for n, s := range i.streams {
		names[n] = s.name
	}
	return names
}

// Start applies the globals, loads the object and attaches every program. On error
// nothing stays loaded or attached.
func (i *Instance) Start(opts Options) error {
	if i.running != nil {
		return errors.New("nomia: instance already started")
	}
	if opts.Notes == nil {
		opts.Notes = os.Stderr
	}
	if err := i.values.Apply(i.spec); err != nil {
		return err
	}
	if err := growRingBuffers(i.spec, opts.RingBufSize, eventSizes(i.streams)); err != nil {
		return err
	}
	fillMapSizes(i.spec, opts.Notes)
	for n := range i.streams {
		if s := &i.streams[n]; s.typ != nil {
			if f := mapview.EventStacks(i.spec, s.typ, opts.Symbolizer, opts.FoldedStacks); f != nil {
				s.stacks = &Stacks{fields: f}
			}
		}
	}
	drops, err := ringdrops.Instrument(i.spec)
	if err != nil {
		// Counting is a bonus; the program still runs as written.
		fmt.Fprintf(opts.Notes, "nomia: %v: ring buffer losses will not be counted\n", err)
	}
	i.drops = drops
	if opts.Target.Iface == "" {
		opts.Target.Iface = packageIface(&i.pkg.Meta.Skel)
	}
	running, err := load.Start(i.spec, load.Options{Target: opts.Target, Notes: opts.Notes, Disable: opts.Skip, Attach: opts.Attach})
	if err != nil {
		return err
	}
	maps := make([]*ebpf.Map, len(i.streams))
	for n, s := range i.streams {
		if maps[n] = running.Collection.Maps[s.name]; maps[n] == nil {
			running.Close()
			return fmt.Errorf("nomia: event map %s was not loaded", s.name)
		}
	}
	if len(maps) > 0 {
		if i.reader, err = events.Open(maps, opts.Events); err != nil {
			running.Close()
			return err
		}
	}
	for _, s := range i.streams {
		if s.stacks != nil {
			s.stacks.coll = running.Collection
		}
	}
	i.running = running
	return nil
}

// Running returns the loaded collection and its attachments, nil before Start.
func (i *Instance) Running() *load.Running { return i.running }

// Run delivers every event to handler until ctx is done or reading fails. The
// handler runs on one goroutine at a time; the event's bytes are valid only during
// the call. idle, if not nil, is called whenever all buffers are drained, which is
// where a writer should flush. Run returns nil when ctx ends.
func (i *Instance) Run(ctx context.Context, handler func(Event), idle func()) error {
	if i.running == nil {
		return errors.New("nomia: Run before Start")
	}
	if i.reader == nil {
		<-ctx.Done()
		return nil
	}
	if idle == nil {
		idle = func() {}
	}
	var clock batchClock
	err := i.reader.Run(ctx, func(n int, rec []byte) {
		handler(i.streams[n].event(rec, clock.now()))
	}, func() {
		clock.stale()
		idle()
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Lost returns, per event map name, how many records were lost: for perf
// buffers as the kernel reports them, for ring buffers the writes the programs
// could not make because the ring was full (counted by instrumentation; "?"
// stands for a ring nomia could not tell from the instructions).
func (i *Instance) Lost() map[string]uint64 {
	lost := map[string]uint64{}
	if i.reader != nil {
		for n, c := range i.reader.Lost() {
			if c > 0 {
				lost[i.streams[n].name] = c
			}
		}
	}
	if i.drops != nil && i.running != nil {
		counts, err := i.drops.Read(i.running.Collection)
		if err == nil {
			for ring, c := range counts {
				if c > 0 {
					lost[ring] += c
				}
			}
		}
	}
	return lost
}

// Close detaches every program and frees the kernel objects. It is safe to call
// more than once.
func (i *Instance) Close() error {
	var errs []error
	if i.reader != nil {
		errs = append(errs, i.reader.Close())
		i.reader = nil
	}
	if i.running != nil {
		errs = append(errs, i.running.Close())
		i.running = nil
	}
	return errors.Join(errs...)
}
