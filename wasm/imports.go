package wasm

import (
	"context"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"golang.org/x/sys/unix"
)

// Module names of the host ABI.
const (
	// ImportModule is the module a wasm-bpf guest imports the host calls from.
	ImportModule = "wasm_bpf"
	// pollName is the name of the poll call in both ImportModule and the
	// callback-wrapper module.
	pollName = "wasm_bpf_buffer_poll"
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// errno returns -e as a host call result.
func errno(e unix.Errno) uint64 { return uint64(uint32(-int32(e))) }

// instantiateHost registers the wasm_bpf module and the callback-wrapper poll.
func (g *guest) instantiateHost(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(ImportModule)
	add := func(name string, fn api.GoModuleFunc, params []api.ValueType, result api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(fn, params, []api.ValueType{result}).Export(name)
	}
	add("wasm_load_bpf_object", g.load, []api.ValueType{i32, i32}, i64)
	add("wasm_attach_bpf_program", g.attach, []api.ValueType{i64, i32, i32}, i32)
	add(pollName, g.poll, []api.ValueType{i64, i32, i32, i32, i32, i32, i32}, i32)
	add("wasm_bpf_map_fd_by_name", g.mapFD, []api.ValueType{i64, i32}, i32)
	add("wasm_bpf_map_operate", g.mapOperate, []api.ValueType{i32, i32, i32, i32, i32, i64}, i32)
	add("wasm_close_bpf_object", g.close, []api.ValueType{i64}, i32)
	if _, err := b.Instantiate(ctx); err != nil {
		return err
	}
	w := r.NewHostModuleBuilder(g.cfg.wrapperModule())
	w.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(g.pollWrapper),
		[]api.ValueType{i64, i32, i32, i32, i32, i32}, []api.ValueType{i32}).Export(pollName)
	if _, err := w.Instantiate(ctx); err != nil {
		return err
	}
	t := r.NewHostModuleBuilder(hostName)
	t.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(g.next), nil, []api.ValueType{i32}).Export("next")
	_, err := t.Instantiate(ctx)
	return err
}

// load is wasm_load_bpf_object(obj_buf, obj_buf_sz) → handle, 0 on failure.
func (g *guest) load(_ context.Context, m api.Module, s []uint64) {
	const call = "wasm_load_bpf_object"
	elf, err := view(m, "object buffer", api.DecodeU32(s[0]), api.DecodeU32(s[1]))
	s[0] = 0
	if err != nil {
		g.logf(call, "%v", err)
		return
	}
	o, err := loadObject(elf)
	if err != nil {
		g.logf(call, "%v", err)
		return
	}
	g.lastHandle++
	g.objects[g.lastHandle] = o
	s[0] = g.lastHandle
}

// attach is wasm_attach_bpf_program(obj, name, attach_target or 0) → 0 or <0.
func (g *guest) attach(_ context.Context, m api.Module, s []uint64) {
	const call = "wasm_attach_bpf_program"
	h := s[0]
	s[0] = errno(unix.EINVAL)
	o, err := g.object(h)
	if err != nil {
		g.logf(call, "%v", err)
		s[0] = errno(unix.ENOENT)
		return
	}
	name, err := cstring(m, "program name", api.DecodeU32(s[1]))
	if err != nil {
		g.logf(call, "%v", err)
		s[0] = errno(unix.EFAULT)
		return
	}
	var target string
	if p := api.DecodeU32(s[2]); p != 0 {
		if target, err = cstring(m, "attach target", p); err != nil {
			g.logf(call, "%v", err)
			s[0] = errno(unix.EFAULT)
			return
		}
	}
	if err := o.attach(name, target, g.cfg.Target); err != nil {
		g.logf(call, "%v", err)
		return
	}
	s[0] = 0
}

// mapFD is wasm_bpf_map_fd_by_name(obj, name) → fd or -1.
func (g *guest) mapFD(_ context.Context, m api.Module, s []uint64) {
	const call = "wasm_bpf_map_fd_by_name"
	h := s[0]
	s[0] = api.EncodeI32(-1)
	o, err := g.object(h)
	if err != nil {
		g.logf(call, "%v", err)
		return
	}
	name, err := cstring(m, "map name", api.DecodeU32(s[1]))
	if err != nil {
		g.logf(call, "%v", err)
		return
	}
	mp := o.coll.Maps[name]
	if _, section, ok := strings.Cut(name, "."); mp == nil && ok {
		// libbpf and skeletons name a global section's map after the object
		// ("runqlat_.rodata"); cilium/ebpf names it by the section alone.
		mp = o.coll.Maps["."+section]
	}
	if mp == nil {
		g.logf(call, "the object has no map %q", name)
		return
	}
	s[0] = api.EncodeI32(int32(mp.FD()))
}

// close is wasm_close_bpf_object(obj) → 0 or <0.
func (g *guest) close(_ context.Context, _ api.Module, s []uint64) {
	const call = "wasm_close_bpf_object"
	h := s[0]
	o, err := g.object(h)
	if err != nil {
		g.logf(call, "%v", err)
		s[0] = errno(unix.ENOENT)
		return
	}
	delete(g.objects, h)
	s[0] = 0
	if err := g.closeObject(o); err != nil {
		g.logf(call, "%v", err)
	}
}
