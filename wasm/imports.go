package wasm

import (
	"context"
	"fmt"
	"strconv"
	"time"

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
	_, err := w.Instantiate(ctx)
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
	g.next++
	g.objects[g.next] = o
	s[0] = g.next
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
	if err := o.close(); err != nil {
		g.logf(call, "%v", err)
	}
}

// poll is wasm_bpf_buffer_poll(obj, fd, sample_func, ctx, data, max_size,
// timeout_ms): each record goes to the guest's table function sample_func.
func (g *guest) poll(ctx context.Context, m api.Module, s []uint64) {
	const call = "wasm_bpf_buffer_poll"
	if g.call == nil {
		g.logf(call, "%v", g.noTable)
		s[0] = errno(unix.ENOSYS)
		return
	}
	index := s[2]
	s[0] = g.pollInto(ctx, m, call, s[0], s[1], s[3], s[4], s[5], s[6], func(args ...uint64) int32 {
		return g.callback(ctx, g.call, "sample_func (table index "+strconv.FormatUint(index, 10)+")", append([]uint64{index}, args...)...)
	})
}

// pollWrapper is callback-wrapper's wasm_bpf_buffer_poll(obj, fd, ctx, data,
// max_size, timeout_ms): each record goes to the guest's callback export.
func (g *guest) pollWrapper(ctx context.Context, m api.Module, s []uint64) {
	const call = "callback-wrapper wasm_bpf_buffer_poll"
	name := g.cfg.callbackExport()
	fn := m.ExportedFunction(name)
	if fn == nil {
		g.logf(call, "the guest exports no function %q to receive records", name)
		s[0] = errno(unix.EINVAL)
		return
	}
	s[0] = g.pollInto(ctx, m, call, s[0], s[1], s[2], s[3], s[4], s[5], func(args ...uint64) int32 {
		return g.callback(ctx, fn, "callback export "+name, args...)
	})
}

// pollInto checks the arguments common to both polls, then delivers each
// record: its first max_size bytes are copied to data and sample(ctx, data, n)
// is called. The result is the number of records delivered, the first nonzero
// result of sample, or -errno.
func (g *guest) pollInto(ctx context.Context, m api.Module, call string, h, fd, cbCtx, data, maxSize, timeoutMS uint64, sample func(args ...uint64) int32) uint64 {
	o, err := g.object(h)
	if err != nil {
		g.logf(call, "%v", err)
		return errno(unix.ENOENT)
	}
	mp, name := o.mapByFD(api.DecodeI32(fd))
	if mp == nil {
		g.logf(call, "fd %d is not a map of object %d", api.DecodeI32(fd), h)
		return errno(unix.ENOENT)
	}
	size := api.DecodeI32(maxSize)
	if size <= 0 {
		g.logf(call, "max_size %d: want the size of the data buffer", size)
		return errno(unix.EINVAL)
	}
	if _, err := view(m, "data buffer", api.DecodeU32(data), uint32(size)); err != nil {
		g.logf(call, "%v", err)
		return errno(unix.EFAULT)
	}
	b := o.buffers[mp]
	if b == nil {
		if b, err = newBuffer(mp, name); err != nil {
			g.logf(call, "%v", err)
			return errno(unix.EINVAL)
		}
		o.buffers[mp] = b
	}
	timeout := time.Duration(max(0, api.DecodeI32(timeoutMS))) * time.Millisecond
	n, err := b.poll(ctx, timeout, func(rec []byte) int32 {
		rec = rec[:min(len(rec), int(size))]
		// The callback may have grown memory: write through a fresh view.
		if !m.Memory().Write(api.DecodeU32(data), rec) {
			panic(&abort{fmt.Errorf("data buffer %#x left the guest's memory during a poll", api.DecodeU32(data))})
		}
		return sample(cbCtx, data, uint64(len(rec)))
	})
	if err != nil {
		g.logf(call, "read %s: %v", name, err)
		return errno(unix.EIO)
	}
	return api.EncodeI32(n)
}
