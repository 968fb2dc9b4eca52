package wasm

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/load"
	"nomia.dev/nomia/ringdrops"
)

// object is one BPF object a guest loaded: its collection, the programs it
// attached, and one reader per map it polled.
type object struct {
	spec    *ebpf.CollectionSpec
	coll    *ebpf.Collection
	links   []attach.Attachment
	buffers map[*ebpf.Map]*buffer
	// drops counts the ring-buffer writes that failed on a full ring, which
	// neither the guest nor the host could otherwise see; nil if the object's
	// programs could not be instrumented.
	drops *ringdrops.Counter
}

// loadObject parses and loads an ELF object. Nothing is attached yet.
func loadObject(elf []byte) (*object, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(elf))
	if err != nil {
		return nil, fmt.Errorf("parse BPF object: %v", err)
	}
	// Counting is a bonus: a program it cannot rewrite still runs as written.
	drops, _ := ringdrops.Instrument(spec)
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return nil, loadError(spec, err)
	}
	o := &object{spec: spec, coll: coll, buffers: map[*ebpf.Map]*buffer{}, drops: drops}
	// A perf buffer keeps only what is written while a reader is open: open
	// them now, so that nothing is lost between attach and the first poll.
	// (Ring buffers keep records without a reader.) A failure is reported by
	// the first poll, which tries again.
	for name, m := range coll.Maps {
		if m.Type() == ebpf.PerfEventArray {
			if b, err := newBuffer(m, name); err == nil {
				o.buffers[m] = b
			}
		}
	}
	return o, nil
}

// loadError explains why the kernel refused the object, on one line and in the
// words nomia run uses.
func loadError(spec *ebpf.CollectionSpec, err error) error {
	return fmt.Errorf("load BPF object: %s", load.Explain(spec, err))
}

// attach attaches the program whose function is name. A non-empty target
// overrides the configured default the way wasm-bpf's attach_target does: an
// interface for xdp/tc/socket programs, a cgroup directory for cgroup and
// sockops programs, and (an addition) a binary for uprobes.
func (o *object) attach(name, target string, t attach.Target) error {
	p, ps := o.coll.Programs[name], o.spec.Programs[name]
	if p == nil || ps == nil {
		return fmt.Errorf("the object has no program %q (programs are named by their C function)", name)
	}
	if target != "" {
		h, err := attach.ParseSection(ps.SectionName)
		if err != nil {
			return err
		}
		switch h.Kind {
		case "xdp", "tc", "tcx", "socket":
			t.Iface = target
		case "cgroup":
			t.Cgroup = target
		case "uprobe", "uretprobe":
			t.Binary = target
		}
	}
	a, err := attach.Program(p, ps, t)
	if err != nil {
		return err
	}
	o.links = append(o.links, a)
	return nil
}

// mapByFD returns the object's map whose descriptor is fd.
func (o *object) mapByFD(fd int32) (*ebpf.Map, string) {
	for name, m := range o.coll.Maps {
		if int32(m.FD()) == fd {
			return m, name
		}
	}
	return nil, ""
}

// ringLosses returns the writes each ring buffer refused because it was full.
func (o *object) ringLosses() map[string]uint64 {
	if o.drops == nil {
		return nil
	}
	counts, err := o.drops.Read(o.coll)
	if err != nil {
		return nil
	}
	return counts
}

// close detaches the object's programs (concurrently: a tracepoint link takes
// tens of milliseconds to go away), closes its readers and unloads it.
func (o *object) close() error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, l := range o.links {
		wg.Go(func() {
			if err := l.Close(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, b := range o.buffers {
		errs = append(errs, b.close())
	}
	o.coll.Close()
	return errors.Join(errs...)
}
