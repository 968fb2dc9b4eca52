package symbolize

import (
	"fmt"
	"os"
	"sync"
)

// Options changes how a Table names addresses.
type Options struct {
	// Offsets makes Names append the offset into the function, as in
	// "do_sys_openat2+0x45" (BCC's -v); by default a name is the function's
	// alone, as BCC's offcputime prints it.
	Offsets bool
	// Warn receives, once per Table, the reason kernel addresses cannot be
	// named (e.g. /proc/kallsyms hides them from a non-root reader). Nil
	// prints it to standard error.
	Warn func(msg string)
}

// Table names kernel and user addresses. It reads /proc/kallsyms on the
// first kernel lookup, a process's maps on the first lookup of its pid, and
// each mapped file's symbols once; all of it is kept for the Table's life. A
// Table is safe for concurrent use.
type Table struct {
	opts Options

	// kallsymsPath is /proc/kallsyms except in tests.
	kallsymsPath string

	mu         sync.Mutex
	kernel     symtab
	kernelRead bool
	procs      map[int][]mapping      // nil maps: the process has exited
	files      map[fileID]*elfSymbols // nil: the file cannot be read
}

// fileID identifies a mapped file across processes.
type fileID struct {
	dev   string
	inode uint64
	path  string // only for pseudo files such as [vdso], which have no inode
}

// New returns a Table that names functions without offsets.
func New() *Table { return NewWithOptions(Options{}) }

// NewWithOptions returns a Table that names addresses as opts says.
func NewWithOptions(opts Options) *Table {
	return &Table{
		opts:         opts,
		kallsymsPath: kallsyms,
		procs:        map[int][]mapping{},
		files:        map[fileID]*elfSymbols{},
	}
}

// Names resolves the addresses of one stack, kernel or of process pid, and
// formats each as the package comment describes: one name per address, in
// the order given.
func (t *Table) Names(pid int, kernel bool, addrs []uint64) []string {
	names := make([]string, len(addrs))
	for i, f := range t.Frames(pid, kernel, addrs) {
		names[i] = f.Name(t.opts.Offsets)
	}
	return names
}

// Frames resolves the addresses of one stack, kernel or of process pid, one
// Frame per address in the order given. pid is ignored for kernel stacks.
func (t *Table) Frames(pid int, kernel bool, addrs []uint64) []Frame {
	t.mu.Lock()
	defer t.mu.Unlock()
	frames := make([]Frame, len(addrs))
	if kernel {
		tab := t.kernelSymbols()
		for i, a := range addrs {
			frames[i] = kernelFrame(tab, a)
		}
		return frames
	}
	maps, known := t.procs[pid]
	if !known {
		maps = t.readProcess(pid)
	}
	for i, a := range addrs {
		m, ok := findMapping(maps, a)
		if !ok && known {
			// Mapped since the maps were read (dlopen): read them again,
			// once per call.
			maps, known = t.readProcess(pid), false
			m, ok = findMapping(maps, a)
		}
		if !ok {
			frames[i] = Frame{Addr: a}
			continue
		}
		frames[i] = t.userFrame(pid, m, a)
	}
	return frames
}

// Refresh forgets what the Table knows about process pid's mappings, so the
// next lookup reads them again: after the pid was reused, or to free memory
// once a process has gone. Parsed files stay cached.
func (t *Table) Refresh(pid int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.procs, pid)
}

// kernelSymbols loads /proc/kallsyms the first time and warns once when it
// cannot be used.
func (t *Table) kernelSymbols() symtab {
	if !t.kernelRead {
		t.kernelRead = true
		var err error
		if t.kernel, err = openKallsyms(t.kallsymsPath); err != nil {
			t.warn(err.Error())
		}
	}
	return t.kernel
}

// warn reports msg through Options.Warn or on standard error.
func (t *Table) warn(msg string) {
	if t.opts.Warn != nil {
		t.opts.Warn(msg)
		return
	}
	fmt.Fprintln(os.Stderr, "symbolize:", msg)
}

// readProcess reads and caches pid's maps; an exited process caches as
// having none, so its addresses are all unknown.
func (t *Table) readProcess(pid int) []mapping {
	maps, err := readMaps(pid)
	if err != nil {
		maps = nil
	}
	t.procs[pid] = maps
	return maps
}

// userFrame resolves addr, which lies in mapping m of process pid.
func (t *Table) userFrame(pid int, m *mapping, addr uint64) Frame {
	f := Frame{Addr: addr, Module: m.module()}
	if f.Module == "" {
		return f // anonymous memory, e.g. JIT-compiled code
	}
	fileOff := addr - m.start + m.offset
	f.Offset = fileOff
	file := t.file(pid, m)
	if file == nil {
		return f
	}
	v, ok := file.vaddr(fileOff)
	if !ok {
		return f
	}
	f.Offset = v
	if sym, ok := file.funcs.find(v); ok {
		f.Func, f.Offset = sym.name, v-sym.start
	}
	return f
}

// file returns the parsed ELF file behind mapping m, from the cache or read
// through the process's view of the file system.
func (t *Table) file(pid int, m *mapping) *elfSymbols {
	id := fileID{dev: m.dev, inode: m.inode}
	if m.inode == 0 {
		id.path = m.path
	}
	if e, ok := t.files[id]; ok {
		return e
	}
	e, err := openMapped(pid, m)
	if err != nil {
		e = nil
	}
	t.files[id] = e
	return e
}
