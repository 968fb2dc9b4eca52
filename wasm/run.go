package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Run runs the WASI command module (a wasm-bpf guest) until its _start returns,
// it exits, it fails, or ctx is done, and returns the guest's exit code.
//
// err is nil when the guest ran to its end, whatever its exit code. Otherwise
// it is one line saying why the guest stopped: the module is not a runnable
// guest, it trapped (also inside a record callback), the host aborted it, or
// ctx was cancelled; exitCode is then 1. In every case the programs the guest
// attached are detached and its objects unloaded before Run returns.
func Run(ctx context.Context, module []byte, cfg Config) (exitCode int, err error) {
	rc := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(cfg.memoryPages()).
		WithCompilationCache(compilationCache(cfg.CacheDir))
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(context.WithoutCancel(ctx))

	g := newGuest(&cfg)
	defer func() {
		if cerr := g.closeAll(); cerr != nil {
			g.logf("exit", "detach: %v", cerr)
		}
	}()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return 1, fmt.Errorf("wasm: set up WASI: %v", err)
	}
	if err := g.instantiateHost(ctx, r); err != nil {
		return 1, fmt.Errorf("wasm: set up the wasm_bpf host module: %v", err)
	}
	compiled, err := r.CompileModule(ctx, module)
	if err != nil {
		return 1, fmt.Errorf("wasm: compile module: %s (is it a WebAssembly module?)", firstLine(err))
	}
	if compiled.ExportedFunctions()["_start"] == nil {
		return 1, errors.New("wasm: the module exports no _start: build it as a WASI command (not a reactor or library)")
	}
	// Start no function at instantiation: the trampoline must be linked to the
	// guest's table before _start runs.
	mc := moduleConfig(ctx, &cfg).WithName(guestName).WithStartFunctions()
	mod, err := r.InstantiateModule(ctx, compiled, mc)
	if err != nil {
		return 1, fmt.Errorf("wasm: instantiate module: %s", firstLine(err))
	}
	g.linkTrampolines(ctx, r, mod)
	_, err = mod.ExportedFunction("_start").Call(ctx)
	return exitStatus(ctx, err)
}

// moduleConfig is the guest's WASI configuration: args, opt-in environment,
// stdio, real clocks and randomness, and no file system. Sleeps end when ctx
// is done, so that a guest sleeping between reports (runqlat sleeps for its
// whole interval) stops on Ctrl-C at once.
func moduleConfig(ctx context.Context, cfg *Config) wazero.ModuleConfig {
	mc := wazero.NewModuleConfig().
		WithArgs(cfg.Args...).
		WithSysWalltime().WithSysNanotime().
		WithNanosleep(func(ns int64) { sleep(ctx, time.Duration(ns)) }).
		WithRandSource(rand.Reader)
	for _, kv := range cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		mc = mc.WithEnv(k, v)
	}
	if cfg.Stdin != nil {
		mc = mc.WithStdin(cfg.Stdin)
	}
	if cfg.Stdout != nil {
		mc = mc.WithStdout(cfg.Stdout)
	}
	if cfg.Stderr != nil {
		mc = mc.WithStderr(cfg.Stderr)
	}
	return mc
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// linkTrampolines instantiates the trampolines that deliver records to the
// guest: through its exported function table (wasm_bpf_buffer_poll) and
// through its callback export (the callback-wrapper variant). A guest that
// has neither can still use everything else.
func (g *guest) linkTrampolines(ctx context.Context, r wazero.Runtime, mod api.Module) {
	g.mod = mod
	t, err := r.InstantiateWithConfig(ctx, tableTrampoline(), wazero.NewModuleConfig().WithName("nomia_table_trampoline"))
	if err != nil {
		g.noTable = fmt.Errorf("the guest exports no function table %q to call sample_func through: link it with -Wl,--export-table, or use the %s poll", tableExport, g.cfg.wrapperModule())
	} else {
		g.drainTable = t.ExportedFunction("drain")
	}
	name := g.cfg.callbackExport()
	if mod.ExportedFunction(name) == nil {
		g.noExport = fmt.Errorf("the guest exports no function %q to receive records", name)
		return
	}
	e, err := r.InstantiateWithConfig(ctx, exportTrampoline(name), wazero.NewModuleConfig().WithName("nomia_export_trampoline"))
	if err != nil {
		g.noExport = fmt.Errorf("the guest's export %q is not a func(ctx, data, size i32) i32", name)
		return
	}
	g.drainExport = e.ExportedFunction("drain")
}

// exitStatus turns the result of _start into Run's result.
func exitStatus(ctx context.Context, err error) (int, error) {
	var exit *sys.ExitError
	var ab *abort
	switch {
	case ctx.Err() != nil:
		// Cancelled, whether wazero stopped the guest or a sleep or poll cut
		// short let it run to an exit of its own.
		return 1, fmt.Errorf("wasm guest stopped: %v", context.Cause(ctx))
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		// WASI exit codes are unsigned: C's exit(-1) arrives as 0xffffffff.
		return int(int32(exit.ExitCode())), nil
	case errors.As(err, &ab):
		return 1, fmt.Errorf("wasm guest stopped: %v", ab.err)
	}
	return 1, fmt.Errorf("wasm guest crashed: %s%s", firstLine(err), where(err))
}

// where names the guest function that was running when err happened, from the
// first frame of wazero's stack trace.
func where(err error) string {
	_, trace, ok := strings.Cut(err.Error(), "wasm stack trace:\n")
	if !ok {
		return ""
	}
	frame, _, _ := strings.Cut(strings.TrimSpace(trace), "\n")
	frame, _, _ = strings.Cut(frame, "(")
	// A frame is "MODULE.FUNCTION"; guests rarely name their module.
	frame = strings.TrimPrefix(strings.TrimPrefix(frame, guestName), ".")
	if frame == "" {
		return ""
	}
	return " (in " + frame + ")"
}

// caches holds one compilation cache per directory for the life of the
// process, so repeated runs share compiled code.
var caches sync.Map // dir → wazero.CompilationCache

func compilationCache(dir string) wazero.CompilationCache {
	if c, ok := caches.Load(dir); ok {
		return c.(wazero.CompilationCache)
	}
	var c wazero.CompilationCache
	if dir != "" {
		var err error
		if c, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			c = nil
		}
	}
	if c == nil {
		c = wazero.NewCompilationCache()
	}
	actual, _ := caches.LoadOrStore(dir, c)
	return actual.(wazero.CompilationCache)
}
