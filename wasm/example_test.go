package wasm_test

import (
	"context"
	"fmt"
	"os"

	"nomia.dev/nomia/wasm"
)

// exit3 is the smallest WASI command: its _start calls proc_exit(3). A real
// guest (a wasm-bpf C, Rust or Go program) embeds a BPF object and calls the
// wasm_bpf imports; see the package documentation.
var exit3 = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00, // types: (i32) → (), () → ()
	0x02, 0x24, 0x01, 0x16, 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_',
	'p', 'r', 'e', 'v', 'i', 'e', 'w', '1', 0x09, 'p', 'r', 'o', 'c', '_', 'e', 'x', 'i', 't', 0x00, 0x00,
	0x03, 0x02, 0x01, 0x01, // one function of type () → ()
	0x07, 0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x01, // exported as _start
	0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x03, 0x10, 0x00, 0x0b, // i32.const 3; call proc_exit
}

// Run returns the guest's exit code; an error means the guest did not run to
// its end (it crashed, was cancelled, or is no WASI command).
func ExampleRun() {
	code, err := wasm.Run(context.Background(), exit3, wasm.Config{Args: []string{"exit3"}})
	fmt.Println(code, err)
	// Output: 3 <nil>
}

// A command-line runner passes the program's arguments and stdio, opts in to
// the environment variables it wants the guest to see, and keeps compiled
// modules on disk so the next start is fast.
func ExampleConfig() {
	cache, _ := os.UserCacheDir()
	cfg := wasm.Config{
		Args:        []string{"opensnoop.wasm", "--pid", "42"},
		Env:         []string{"LANG=C"},
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Log:         os.Stderr,
		MemoryLimit: 256 << 20,
		CacheDir:    cache + "/nomia/wasm",
	}
	_ = cfg // wasm.Run(ctx, module, cfg)
}
