package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"nomia.dev/nomia"
	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/output"
	"nomia.dev/nomia/source"
)

// runFlags are the runner's own flags; they come before SOURCE on the command line.
type runFlags struct {
	build    buildFlags
	json     bool
	duration time.Duration
	target   attach.Target
	ringSize byteSize
	maps     mapFlags
	dist     distFlags
	skip     []string
	attach   attachTargets
	wasm     wasmFlags
}

func newRunCmd() *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:   "run [runner flags] SOURCE [program flags]",
		Short: "Load a package, attach its programs and print its events",
		Long: `Load a package into the kernel, attach every program by its section name and
print the events of its ring buffers and perf buffers until Ctrl-C or --duration.
At exit, and every --interval, it prints the maps the program reports through:
histograms, aggregations (counts per key, stack traces) and maps named by --map.

SOURCE is a package file (package.json), - for standard input, a .bpf.c source
(built first), an http(s):// URL, or an OCI reference HOST[:PORT]/NAME[:TAG|@sha256:…]
(pulled into the verified local cache; see --pull). Runner flags come before SOURCE;
everything after it belongs to the program: each of its globals is a flag.
'nomia run SOURCE --help' lists them.`,
		Args: atLeastSource,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSource(cmd, &rf, args[0], args[1:])
		},
	}
	fs := cmd.Flags()
	// Parsing stops at SOURCE, so the program's flags reach the program.
	fs.SetInterspersed(false)
	fs.BoolVarP(&rf.json, "json", "j", false, "print one JSON object per event")
	fs.DurationVar(&rf.duration, "duration", 0, "stop after this long (e.g. 10s) and exit 0")
	fs.StringVar(&rf.target.Iface, "iface", "", "network interface for xdp, tc and socket programs (default lo)")
	fs.StringVar(&rf.target.Cgroup, "cgroup", "", "cgroup v2 directory for cgroup programs (default: the cgroup2 root)")
	fs.IntVar(&rf.target.PID, "pid", 0, "uprobes: trace only this process")
	fs.StringVar(&rf.target.Binary, "binary", "", "uprobes: binary or library whose section names no path")
	fs.Uint64Var(&rf.target.Freq, "freq", 0, "perf_event programs: samples per second per CPU (default 49)")
	fs.StringSliceVar(&rf.skip, "skip", nil, skipUsage)
	fs.Var(&rf.attach, "attach", attachUsage)
	fs.Var(&rf.ringSize, "ringbuf-size", "least size of every ring buffer, a power of two (e.g. 16M); larger rings drop fewer events (default: room for 128 events)")
	rf.maps.register(fs)
	rf.wasm.register(fs)
	rf.build.register(fs)
	rf.dist.register(fs)
	return cmd
}

func runSource(cmd *cobra.Command, rf *runFlags, src string, progArgs []string) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	bopts, err := rf.build.options(src)
	if err != nil {
		return err
	}
	res, err := source.Resolve(ctx, src, rf.dist.options(bopts, cmd.ErrOrStderr()))
	if err != nil {
		return err
	}
	// "nomia run X -- ARGS" reads as well as "nomia run X ARGS".
	if len(progArgs) > 0 && progArgs[0] == "--" {
		progArgs = progArgs[1:]
	}
	if res.IsWASM() {
		// A WASM module is its own user space: its arguments are its own.
		return runWASM(ctx, cmd, &rf.wasm, rf.target, rf.duration, src, res.WASM, progArgs)
	}
	pkg := res.Package
	inst, err := nomia.New(pkg)
	if err != nil {
		return err
	}
	if err := parseProgramFlags(cmd, inst, src, progArgs); err != nil {
		return err
	}
	sym := rf.maps.symbolizer(cmd.ErrOrStderr())
	views, err := rf.maps.views(inst, sym)
	if err != nil {
		return err
	}
	if err := inst.Start(nomia.Options{Target: rf.target, Notes: cmd.ErrOrStderr(), Skip: rf.skip, Attach: rf.attach,
		Symbolizer: sym, FoldedStacks: rf.maps.folded, RingBufSize: uint32(rf.ringSize)}); err != nil {
		return err
	}
	defer inst.Close()

	if rf.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rf.duration)
		defer cancel()
	}
	p := &printer{
		out:    cmd.OutOrStdout(),
		events: newWriter(cmd.OutOrStdout(), rf.json, len(inst.EventMaps()) > 1),
		inst:   inst, views: views, json: rf.json, clear: rf.maps.clear, notes: cmd.ErrOrStderr(),
	}
	if err := printIters(cmd.OutOrStdout(), inst); err != nil {
		return err
	}
	if onlyIters(inst) && len(views) == 0 {
		// Iterators have said all they have to say; nothing else will come.
		return inst.Close()
	}
	stopMaps := p.everyInterval(ctx, rf.maps.interval)
	runErr := inst.Run(ctx, func(ev nomia.Event) {
		if err := p.event(ev); err != nil {
			stop() // the reader of our output went away: stop cleanly
		}
	}, func() { p.flush() })
	stopMaps()
	flushErr := p.flush()
	if len(views) > 0 {
		p.maps(views, false)
	}
	for m, n := range inst.Lost() {
		fmt.Fprintf(cmd.ErrOrStderr(), "nomia: %d records lost on map %s (the buffer overflowed)\n", n, m)
	}
	if err := inst.Close(); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	if flushErr != nil && !errors.Is(flushErr, syscall.EPIPE) {
		return flushErr
	}
	return nil
}

// parseProgramFlags parses the arguments after SOURCE as the program's globals.
func parseProgramFlags(cmd *cobra.Command, inst *nomia.Instance, src string, args []string) error {
	fs := inst.FlagSet()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		printProgramHelp(cmd.OutOrStdout(), inst, src)
		return exitError(0)
	}
	if err != nil {
		return fmt.Errorf("%s: %v (see: nomia run %s --help)", src, err, src)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q: program flags are --name value (see: nomia run %s --help)", src, fs.Arg(0), src)
	}
	return nil
}

func printProgramHelp(w io.Writer, inst *nomia.Instance, src string) {
	skel := inst.Package().Meta.Skel
	fmt.Fprintf(w, "Usage: nomia run [runner flags] %s [program flags]\n", src)
	if d := skel.Doc; d != nil && d.Brief != "" {
		fmt.Fprintf(w, "\n%s\n", d.Brief)
		if d.Details != "" {
			fmt.Fprintf(w, "%s\n", d.Details)
		}
	}
	fmt.Fprintf(w, "\nPrograms:\n")
	for _, p := range skel.Progs {
		fmt.Fprintf(w, "  %-24s %s%s\n", p.Name, p.Attach, targetHint(p.Name, p.Attach))
	}
	if usage := inst.FlagSet().FlagUsages(); usage != "" {
		fmt.Fprintf(w, "\nProgram flags (globals of %s):\n%s", skel.ObjName, usage)
	} else {
		fmt.Fprintf(w, "\nThe program has no globals to set.\n")
	}
}

// targetHint tells, for a probe whose section names no function, how to give
// it one: nomia leaves such programs unattached otherwise.
func targetHint(name, section string) string {
	h, err := attach.ParseSection(section)
	if err != nil || !h.NeedsTarget() {
		return ""
	}
	return fmt.Sprintf("  (names no function: --attach %s=PATH:SYMBOL)", name)
}

func newWriter(w io.Writer, json, several bool) output.Writer {
	o := output.Options{MapKey: several}
	if json {
		return output.NewJSON(w, o)
	}
	return output.NewTable(w, o)
}
