package wasmbpf

import (
	"errors"
	"fmt"
)

// Object is one BPF object in the guest: open it, set its globals, load it,
// attach its programs, use its maps, close it.
type Object struct {
	elf     []byte // the guest's own copy, patched by SetGlobal
	globals map[string]Global
	order   []string
	handle  uint64 // the host's handle once loaded; 0 before
	maps    map[string]*Map
}

// Open prepares elf, the bytes of a BPF object (usually a //go:embed
// variable), for loading; globals locates its global variables (the table
// `nomia build --wasm` generates; nil if none are set). Open copies elf, so
// the embedded bytes stay unchanged and an object can be opened twice.
func Open(elf []byte, globals []Global) (*Object, error) {
	if len(elf) < 4 || string(elf[1:4]) != "ELF" {
		return nil, errors.New("wasmbpf: open object: the bytes are not an ELF file: embed the .bpf.o that `nomia build --wasm` writes")
	}
	o := &Object{elf: append([]byte(nil), elf...), globals: map[string]Global{}, maps: map[string]*Map{}}
	for _, g := range globals {
		if g.Settable() == nil && uint64(g.Offset)+uint64(g.Size) > uint64(len(elf)) {
			return nil, fmt.Errorf("wasmbpf: open object: global %s lies outside the %d-byte object: regenerate the globals table from this object", g.Name, len(elf))
		}
		o.globals[g.Name] = g
		o.order = append(o.order, g.Name)
	}
	return o, nil
}

// Globals lists the object's global variables in the order of the table.
func (o *Object) Globals() []Global {
	out := make([]Global, 0, len(o.order))
	for _, n := range o.order {
		out = append(out, o.globals[n])
	}
	return out
}

// SetGlobal sets the initial value of the global variable name before Load.
// value is a fixed-size value of the variable's size (uint32, int64, bool,
// [16]byte, a struct of sized fields …), or a []byte or string no longer than
// the variable, zero-padded (for char arrays).
func (o *Object) SetGlobal(name string, value any) error {
	g, err := o.global(name)
	if err != nil {
		return err
	}
	if o.handle != 0 {
		return fmt.Errorf("wasmbpf: set global %s: the object is already loaded: set globals between Open and Load", name)
	}
	b, err := encode(value, int(g.Size))
	if err != nil {
		return fmt.Errorf("wasmbpf: set global %s: %v", name, err)
	}
	copy(o.elf[g.Offset:], b)
	return nil
}

// Global reads the value the global variable name will start with (its
// initialiser, or what SetGlobal wrote) into out, a pointer to a fixed-size
// value or a *[]byte.
func (o *Object) Global(name string, out any) error {
	g, err := o.global(name)
	if err != nil {
		return err
	}
	if err := decode(o.elf[g.Offset:g.Offset+g.Size], out); err != nil {
		return fmt.Errorf("wasmbpf: read global %s: %v", name, err)
	}
	return nil
}

func (o *Object) global(name string) (*Global, error) {
	g, ok := o.globals[name]
	if !ok {
		return nil, fmt.Errorf("wasmbpf: no global %q in the object's table (is it static, or was the table generated from another object?)", name)
	}
	if err := g.Settable(); err != nil {
		return nil, fmt.Errorf("wasmbpf: %v", err)
	}
	return &g, nil
}

// Load hands the object, with its globals as set, to the host, which loads
// its maps and programs into the kernel.
func (o *Object) Load() error {
	if o.handle != 0 {
		return errors.New("wasmbpf: load: the object is already loaded")
	}
	o.handle = hostLoad(o.elf)
	if o.handle == 0 {
		if !hasHost {
			return ErrNoHost
		}
		return errors.New("wasmbpf: load: the host refused the object (its log says why: run with nomia run -v)")
	}
	return nil
}

// Attach attaches the program whose C function is named program, where its
// section says (tracepoint, uprobe, xdp …); the host supplies default targets
// such as the interface of an xdp program.
func (o *Object) Attach(program string) error { return o.AttachTo(program, "") }

// AttachTo attaches program to target: the network interface of an xdp, tc
// or socket program, the cgroup directory of a cgroup program, the binary of
// a uprobe. "" means the host's default.
func (o *Object) AttachTo(program, target string) error {
	if err := o.loaded("attach " + program); err != nil {
		return err
	}
	if err := result(hostAttach(o.handle, program, target)); err != nil {
		return fmt.Errorf("wasmbpf: attach %s: %w", program, err)
	}
	return nil
}

// Map returns the object's map called name (its C variable name).
func (o *Object) Map(name string) (*Map, error) {
	if m := o.maps[name]; m != nil {
		return m, nil
	}
	if err := o.loaded("map " + name); err != nil {
		return nil, err
	}
	fd := hostMapFD(o.handle, name)
	if fd < 0 {
		if !hasHost {
			return nil, ErrNoHost
		}
		return nil, fmt.Errorf("wasmbpf: the object has no map %q", name)
	}
	m := &Map{obj: o, name: name, fd: fd}
	o.maps[name] = m
	return m, nil
}

// Close detaches the object's programs, unloads it and closes its buffers.
// The host also detaches and unloads when the guest exits.
func (o *Object) Close() error {
	if o.handle == 0 {
		return nil
	}
	h := o.handle
	o.handle, o.maps = 0, map[string]*Map{}
	for id, b := range buffers {
		if b.m.obj == o {
			delete(buffers, id)
			b.buf = nil
		}
	}
	if err := result(hostClose(h)); err != nil {
		return fmt.Errorf("wasmbpf: close object: %w", err)
	}
	return nil
}

func (o *Object) loaded(what string) error {
	if o.handle == 0 {
		return fmt.Errorf("wasmbpf: %s: the object is not loaded: call Load first", what)
	}
	return nil
}
