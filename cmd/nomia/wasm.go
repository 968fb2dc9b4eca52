package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/wasm"
)

// wasmFlags are the runner flags that only WASM modules use.
type wasmFlags struct {
	env    []string
	memory byteSize
}

// register adds the WASM flags to the run command's flags.
func (w *wasmFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&w.env, "env", nil, "WASM modules: give the module the environment variable KEY=VALUE, or KEY with this process's value (repeatable; the module sees none otherwise)")
	fs.Var(&w.memory, "wasm-memory", "WASM modules: the most memory the module may use, e.g. 256M (default: WebAssembly's 4G)")
}

// environ resolves --env entries to KEY=VALUE.
func (w *wasmFlags) environ() ([]string, error) {
	env := make([]string, 0, len(w.env))
	for _, e := range w.env {
		if strings.Contains(e, "=") {
			env = append(env, e)
			continue
		}
		v, ok := os.LookupEnv(e)
		if !ok {
			return nil, fmt.Errorf("--env %s: not set in this environment; give it as %s=VALUE", e, e)
		}
		env = append(env, e+"="+v)
	}
	return env, nil
}

// runWASM runs the WASM module (a wasm-bpf guest) that src resolved to, with
// progArgs as its arguments and this process's stdio, until it exits, ctx is
// done (Ctrl-C) or duration passes. The module's exit code becomes nomia's;
// stopping it by Ctrl-C or --duration is a normal end.
func runWASM(ctx context.Context, cmd *cobra.Command, w *wasmFlags, target attach.Target, duration time.Duration, src string, module []byte, progArgs []string) error {
	env, err := w.environ()
	if err != nil {
		return err
	}
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	code, err := wasm.Run(ctx, module, wasm.Config{
		Args:        append([]string{filepath.Base(src)}, progArgs...),
		Env:         env,
		Stdin:       cmd.InOrStdin(),
		Stdout:      cmd.OutOrStdout(),
		Stderr:      cmd.ErrOrStderr(),
		Log:         cmd.ErrOrStderr(),
		MemoryLimit: uint64(w.memory),
		CacheDir:    wasmCacheDir(),
		Target:      target,
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return nil
	case err != nil:
		return fmt.Errorf("%s: %v", src, err)
	case code != 0:
		return exitError(code)
	}
	return nil
}

// wasmCacheDir is where compiled modules are kept between runs:
// $XDG_CACHE_HOME/nomia/wasm (~/.cache/nomia/wasm), or nowhere if the user
// has no cache directory.
func wasmCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "nomia", "wasm")
}
