package wasm

import (
	"io"

	"nomia.dev/nomia/attach"
)

// Config says how Run starts a guest. The zero value runs a guest with no
// arguments, no environment, stdio discarded and host messages discarded.
type Config struct {
	// Args is the guest's argv; Args[0] is the program name the guest sees.
	Args []string
	// Env holds "KEY=VALUE" entries the guest sees. It is empty unless the
	// caller opts in: a guest should not read the host's environment by default.
	Env []string
	// Stdin, Stdout and Stderr are the guest's WASI stdio; nil means none.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Log receives one line for each host call the guest got wrong or the kernel
	// refused (which the guest only sees as an error number). Nil discards them.
	Log io.Writer
	// MemoryLimit caps the guest's linear memory in bytes, rounded down to 64 KiB
	// pages; 0 means the wasm32 maximum of 4 GiB. A guest that grows past it sees
	// memory.grow fail (a Go guest then dies with "out of memory").
	MemoryLimit uint64
	// CacheDir holds wazero's compiled modules between runs, so that a guest
	// compiles once (a 2.6 MB Go guest: 0.7 s, then 26 ms). "" keeps the cache in
	// memory for the life of the process.
	CacheDir string
	// Target supplies attach targets a guest does not name: the interface of
	// xdp/tc/socket programs, the cgroup of cgroup programs, a uprobe's binary.
	Target attach.Target
	// WrapperModule and CallbackExport name the poll variant for languages
	// without function-table indices: the host exports wasm_bpf_buffer_poll
	// without sample_func from WrapperModule and calls the guest's export
	// CallbackExport(ctx, data, size) for each record. They default to
	// wasm-bpf's "callback-wrapper" and "go-callback".
	WrapperModule, CallbackExport string
}

// Default names of the callback-wrapper poll variant (see Config).
const (
	DefaultWrapperModule  = "callback-wrapper"
	DefaultCallbackExport = "go-callback"
)

// wasmPage is the size of a page of wasm linear memory.
const wasmPage = 64 << 10

// memoryPages is the guest's memory limit in pages; wazero caps it at 65536.
func (c *Config) memoryPages() uint32 {
	if c.MemoryLimit == 0 || c.MemoryLimit/wasmPage >= 65536 {
		return 65536
	}
	return max(1, uint32(c.MemoryLimit/wasmPage))
}

func (c *Config) wrapperModule() string {
	if c.WrapperModule == "" {
		return DefaultWrapperModule
	}
	return c.WrapperModule
}

func (c *Config) callbackExport() string {
	if c.CallbackExport == "" {
		return DefaultCallbackExport
	}
	return c.CallbackExport
}
