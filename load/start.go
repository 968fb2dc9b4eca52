package load

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
)

// Options configure Start.
type Options struct {
	// Target holds the run-time attach targets (interface, cgroup, pid, binary,
	// sampling frequency).
	Target attach.Target
	// Notes receives one line per skipped twin, e.g. "nomia: handle_exit: using
	// kprobe/do_unlinkat; skipped fentry/do_unlinkat (handle_exit_fentry: the
	// kernel refuses BPF trampoline programs …)". Nil discards them.
	Notes io.Writer
	// Collection is passed to ebpf.NewCollectionWithOptions (map replacements,
	// verifier log sizes …).
	Collection ebpf.CollectionOptions
	// Disable names programs not to load or attach, as libbpf-tools' own user
	// space turns programs off (bpf_program__set_autoload(prog, false)) when it
	// knows better, e.g. biosnoop's fentry/blk_account_io_start where
	// tp_btf/block_io_start exists. A name may be a glob (path.Match, e.g.
	// "*_enter"); one that matches no program is an error.
	Disable []string
	// Attach points programs at targets their sections do not name, as
	// libbpf-tools' user space does with bpf_program__attach_uprobe and
	// bpf_program__attach_kprobe: program name → targets, each attached in
	// turn (gethostlatency hooks one program to getaddrinfo, gethostbyname and
	// gethostbyname2). A target is PATH:SYMBOL[+OFFSET], PATH:0xADDRESS or
	// SYMBOL for uprobes and uretprobes, FUNCTION[+OFFSET] for kprobes and
	// kretprobes; see attach.Retarget.
	Attach map[string][]string
}

// Program names one attached program.
type Program struct {
	Name, Section string
}

// Skipped is a program left out: a twin of it serves the same hook, or its
// attach point does not exist on this kernel.
type Skipped struct {
	Name, Section string
	// Reason is why: the kernel's refusal, "not needed" when a preferred twin
	// works, or which tracepoint or kernel function is missing.
	Reason string
	// Using is the program used instead; zero when the hook is missing from
	// this kernel and nothing replaces it.
	Using Program
}

// Running is a loaded collection with its programs attached.
type Running struct {
	// Collection holds the maps and the attached programs; skipped twins are
	// closed and removed from it.
	Collection *ebpf.Collection
	// Attached lists the attached programs, in attach order.
	Attached []Program
	// Skipped lists the twins left out.
	Skipped []Skipped

	attachments []attach.Attachment
	iters       map[string]attach.Iter
	closeOnce   sync.Once
	closeErr    error
}

// Start loads spec's maps and programs and attaches every program. Programs
// hooking the same target in several flavours (fentry/X + kprobe/X, fexit/X +
// kretprobe/X, tp_btf/X + raw_tp/X + tracepoint/C/X) load and attach only the
// first flavour this kernel accepts; the rest are skipped with a note. A program
// whose tracepoint or kernel function does not exist on this kernel (in any of
// its flavours) is skipped with a note, as libbpf-tools skip it themselves, as
// long as another program remains; when none remains Start fails. A program
// with no working flavour is a one-line error naming each program tried, its
// section and the kernel's reason. On any error nothing stays loaded or attached.
func Start(spec *ebpf.CollectionSpec, opts Options) (*Running, error) {
	if len(spec.Programs) == 0 {
		return nil, errors.New(`load: the object has no programs to run: put each BPF entry point in a section naming its hook, e.g. SEC("tp/syscalls/sys_enter_openat")`)
	}
	disabled, err := disable(spec, opts.Disable)
	if err != nil {
		return nil, err
	}
	spec, extra, err := retarget(spec, opts.Attach, disabled)
	if err != nil {
		return nil, err
	}
	pl, err := newPlan(spec, disabled)
	if err != nil {
		return nil, err
	}
	pl.extra = extra
	plainKconfig(spec)
	failures := map[*flavour]failure{}
	absent, err := pl.dropAbsent(&kernelHooks{}, failures)
	if err != nil {
		return nil, err
	}
	unattached := pl.dropUntargeted(opts.Target)
	coll, err := pl.load(spec, failures, opts.Collection)
	if err != nil {
		return nil, err
	}
	skipped := append(append(disabled, absent...), unattached...)
	r := &Running{Collection: coll, Skipped: skipped, iters: map[string]attach.Iter{}}
	if opts.Notes != nil {
		for _, sk := range absent {
			fmt.Fprintf(opts.Notes, "nomia: skipped %s (%s): %s\n", sk.Name, sk.Section, sk.Reason)
		}
		if len(unattached) > 0 {
			fmt.Fprint(opts.Notes, untargetedNote(unattached))
		}
	}
	for _, u := range pl.units {
		if err := r.attachUnit(u, spec, pl, failures, opts); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// load loads the collection, dropping a flavour the kernel refuses whenever its
// unit has another one left, until the load succeeds.
func (pl *plan) load(spec *ebpf.CollectionSpec, failures map[*flavour]failure, copts ebpf.CollectionOptions) (*ebpf.Collection, error) {
	for {
		s := spec.Copy()
		for name := range s.Programs {
			if f := pl.flavour[name]; f == nil || f.dead {
				delete(s.Programs, name)
			}
		}
		coll, err := ebpf.NewCollectionWithOptions(s, copts)
		if err == nil {
			return coll, nil
		}
		name := failingProgram(err, s)
		if name == "" {
			return nil, fmt.Errorf("load: %s", collectionReason(err))
		}
		f := pl.flavour[name]
		f.dead = true
		failures[f] = failure{name, pl.hooks[name].Section, loadReason(pl.hooks[name], err)}
		if len(f.unit.live()) == 0 {
			return nil, exhausted(f.unit, failures)
		}
	}
}

// attachUnit attaches the first flavour of u that works, closing and noting the
// others.
func (r *Running) attachUnit(u *unit, spec *ebpf.CollectionSpec, pl *plan, failures map[*flavour]failure, opts Options) error {
	hooks := pl.hooks
	var used *flavour
	for _, f := range u.live() {
		made, fail := r.attachFlavour(f, spec, pl, opts.Target)
		if fail != nil {
			f.dead = true
			failures[f] = *fail
			continue
		}
		used = f
		r.attachments = append(r.attachments, made...)
		break
	}
	if used == nil {
		return exhausted(u, failures)
	}
	for _, name := range used.progs {
		r.Attached = append(r.Attached, Program{name, hooks[name].Section})
		for _, section := range pl.extra[name] {
			r.Attached = append(r.Attached, Program{name, section})
		}
	}
	using := r.Attached[len(r.Attached)-1]
	for _, f := range u.flavours {
		if f == used {
			continue
		}
		reason := "not needed"
		if fail, ok := failures[f]; ok {
			reason = fail.reason
		}
		for _, name := range f.progs {
			if p := r.Collection.Programs[name]; p != nil {
				p.Close()
				delete(r.Collection.Programs, name)
			}
			sk := Skipped{Name: name, Section: hooks[name].Section, Reason: reason, Using: using}
			r.Skipped = append(r.Skipped, sk)
			if opts.Notes != nil {
				fmt.Fprintf(opts.Notes, "nomia: %s: using %s; skipped %s (%s: %s)\n", using.Name, using.Section, sk.Section, sk.Name, sk.Reason)
			}
		}
	}
	return nil
}

// attachFlavour attaches every program of f, or none: when one fails, those
// already attached are detached again and the failure is returned.
func (r *Running) attachFlavour(f *flavour, spec *ebpf.CollectionSpec, pl *plan, t attach.Target) ([]attach.Attachment, *failure) {
	made := make([]attach.Attachment, 0, len(f.progs))
	iters := map[string]attach.Iter{}
	for _, name := range f.progs {
		a, err := attach.Program(r.Collection.Programs[name], spec.Programs[name], t)
		section := pl.hooks[name].Section
		// Further targets of Options.Attach: the same program once more each.
		for i := 0; err == nil && i < len(pl.extra[name]); i++ {
			made = append(made, a)
			section = pl.extra[name][i]
			ps := spec.Programs[name].Copy()
			ps.SectionName = section
			a, err = attach.Program(r.Collection.Programs[name], ps, t)
		}
		if err != nil {
			for _, m := range made {
				m.Close()
			}
			fail := attachFailure(name, section, err)
			return nil, &fail
		}
		made = append(made, a)
		if it, ok := a.(attach.Iter); ok {
			iters[name] = it
		}
	}
	maps.Copy(r.iters, iters)
	return made, nil
}

// exhausted is the error of a unit none of whose flavours works.
func exhausted(u *unit, failures map[*flavour]failure) error {
	var parts []string
	for _, f := range u.flavours {
		if fail, ok := failures[f]; ok {
			parts = append(parts, fail.String())
		}
	}
	msg := strings.Join(parts, "; ")
	if len(u.flavours) > 1 {
		msg += "; no twin left"
	}
	return errors.New(msg)
}

// attachFailure extracts the reason from an attach.Program error.
func attachFailure(name, section string, err error) failure {
	var ae *attach.Error
	if errors.As(err, &ae) {
		return failure{name, section, ae.Reason}
	}
	return failure{name, section, oneLine(err)}
}

// Iters returns the attached iterator programs by name; reading one runs it.
func (r *Running) Iters() map[string]attach.Iter {
	return r.iters
}

// Close detaches all programs and closes the collection. Detaching runs
// concurrently: one tracepoint link takes about 70 ms to detach, and tools have
// many. Close is safe to call more than once.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		errs := make([]error, len(r.attachments))
		var wg sync.WaitGroup
		for i, a := range r.attachments {
			wg.Go(func() { errs[i] = a.Close() })
		}
		wg.Wait()
		r.Collection.Close()
		if err := errors.Join(errs...); err != nil {
			r.closeErr = fmt.Errorf("detach: %s", oneLine(err))
		}
	})
	return r.closeErr
}
