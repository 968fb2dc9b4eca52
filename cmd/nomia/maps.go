package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"nomia.dev/nomia"
	"nomia.dev/nomia/mapview"
	"nomia.dev/nomia/output"
	"nomia.dev/nomia/symbolize"
)

// mapFlags choose which maps are printed, when and how.
type mapFlags struct {
	names    []string
	interval time.Duration
	clear    bool
	top      int
	folded   bool
	offsets  bool
}

func (m *mapFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&m.names, "map", nil, "also print this map or .bss/.data global (repeatable; histograms and aggregations print anyway)")
	fs.DurationVar(&m.interval, "interval", 0, "print the maps every D (e.g. 1s) as well as at exit")
	fs.BoolVar(&m.clear, "clear", false, "empty the printed maps after each print, so each interval starts from zero")
	fs.IntVar(&m.top, "top", 0, "print only the N largest entries of each table")
	fs.BoolVar(&m.folded, "folded", false, "print stack traces folded, one line each (for flame graphs)")
	fs.BoolVar(&m.offsets, "offsets", false, "print stack frames as symbol+0xoffset")
}

// symbolizer names stack frames for maps and events; notes receives its
// warnings (e.g. kernel addresses hidden by kptr_restrict).
func (m *mapFlags) symbolizer(notes io.Writer) *symbolize.Table {
	return symbolize.NewWithOptions(symbolize.Options{
		Offsets: m.offsets,
		Warn:    func(msg string) { fmt.Fprintf(notes, "nomia: %s\n", msg) },
	})
}

// views plans the map views.
func (m *mapFlags) views(inst *nomia.Instance, sym mapview.Symbolizer) ([]*mapview.View, error) {
	return inst.MapViews(mapview.Options{Names: m.names, Top: m.top, Folded: m.folded, Symbolizer: sym})
}

// printer shares the output between events and map prints: the event handler
// and the interval prints run on different goroutines, and a map print must
// not land in the middle of a buffered line of events.
type printer struct {
	mu     sync.Mutex
	out    io.Writer
	events output.Writer
	inst   *nomia.Instance
	views  []*mapview.View
	json   bool
	clear  bool
	notes  io.Writer
}

func (p *printer) event(ev nomia.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	oe := output.Event{Map: ev.Map, Decoder: ev.Decoder, Time: ev.Time, Data: ev.Data}
	if ev.Stacks != nil {
		oe.Extra = ev.Stacks
	}
	return p.events.Write(oe)
}

func (p *printer) flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.events.Flush()
}

// maps prints views now; stamp heads text output with the time, as
// libbpf-tools do for interval prints.
func (p *printer) maps(views []*mapview.View, stamp bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events.Flush()
	if stamp && !p.json {
		fmt.Fprintf(p.out, "\n%s\n", time.Now().Format("15:04:05"))
	}
	if err := p.inst.PrintMaps(p.out, views, p.json, p.clear); err != nil {
		fmt.Fprintf(p.notes, "nomia: %v\n", err)
	}
}

// everyInterval prints the views on their schedule until ctx ends or the
// returned stop is called, which waits for a print under way: all of them every
// --interval when given, else each at the interval its package asks for
// (eunomia sample.interval); views with neither print only at exit.
func (p *printer) everyInterval(ctx context.Context, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	groups := map[time.Duration][]*mapview.View{}
	for _, v := range p.views {
		d := interval
		if d == 0 {
			d = v.Interval()
		}
		if d > 0 {
			groups[d] = append(groups[d], v)
		}
	}
	for d, views := range groups {
		wg.Go(func() {
			tick := time.NewTicker(d)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					p.maps(views, true)
				}
			}
		})
	}
	return func() { cancel(); wg.Wait() }
}
