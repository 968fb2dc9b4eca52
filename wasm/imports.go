package wasm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

// poll is wasm_bpf_buffer_poll(obj, fd, sample_func, ctx, data, max_size,
// timeout_ms): each record goes to the guest's table function sample_func.
func (g *guest) poll(ctx context.Context, m api.Module, s []uint64) {
	const call = "wasm_bpf_buffer_poll"
	if g.drainTable == nil {
		g.logf(call, "%v", g.noTable)
		s[0] = errno(unix.ENOSYS)
		return
	}
	what := "sample_func (table index " + strconv.FormatUint(uint64(api.DecodeU32(s[2])), 10) + ")"
	s[0] = g.pollInto(ctx, m, call, g.drainTable, what, s[0], s[1], s[2], s[3], s[4], s[5], s[6])
}

// pollWrapper is callback-wrapper's wasm_bpf_buffer_poll(obj, fd, ctx, data,
// max_size, timeout_ms): each record goes to the guest's callback export.
func (g *guest) pollWrapper(ctx context.Context, m api.Module, s []uint64) {
	const call = "callback-wrapper wasm_bpf_buffer_poll"
	if g.drainExport == nil {
		g.logf(call, "%v", g.noExport)
		s[0] = errno(unix.EINVAL)
		return
	}
	what := "callback export " + g.cfg.callbackExport()
	s[0] = g.pollInto(ctx, m, call, g.drainExport, what, s[0], s[1], 0, s[2], s[3], s[4], s[5])
}

// drain is the poll a trampoline is delivering: the records of b go to the
// guest's buffer [data, data+max).
type drain struct {
	b         *buffer
	data, max uint32
}

// pollInto checks the arguments common to both polls, then has the trampoline
// drain deliver the records: the first max_size bytes of each are copied to
// data and the callback is called with (ctx, data, size). The result is the
// number of records delivered, the first nonzero result of the callback, or
// -errno.
func (g *guest) pollInto(ctx context.Context, m api.Module, call string, drainFn api.Function, what string,
	h, fd, index, cbCtx, data, maxSize, timeoutMS uint64) uint64 {
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
	if b.busy {
		g.logf(call, "map %s is already being polled (a callback polled it again)", name)
		return errno(unix.EBUSY)
	}
	rc, err := g.drainInto(ctx, drainFn, what, b, &drain{b: b, data: api.DecodeU32(data), max: uint32(size)},
		time.Duration(max(0, api.DecodeI32(timeoutMS)))*time.Millisecond, index, cbCtx, data)
	switch {
	case err != nil:
		g.logf(call, "read %s: %v", name, err)
		return errno(unix.EIO)
	case rc != 0:
		return api.EncodeI32(rc)
	}
	return api.EncodeI32(b.delivered)
}

// drainInto runs one poll of b through the trampoline. A callback may poll
// another map, so the drain in progress is saved and restored.
func (g *guest) drainInto(ctx context.Context, drainFn api.Function, what string, b *buffer, d *drain,
	timeout time.Duration, args ...uint64) (rc int32, err error) {
	prev := g.draining
	g.draining = d
	b.begin(ctx, timeout)
	defer func() {
		g.draining = prev
		if end := b.end(); err == nil {
			err = end
		}
	}()
	return g.callback(ctx, drainFn, what, args...), nil
}

// next is the trampolines' import: it copies the next record of the drain in
// progress to the guest's buffer and returns its size, or -1 when the poll is
// over. Records longer than the buffer are cut to its size.
func (g *guest) next(_ context.Context, _ api.Module, s []uint64) {
	d := g.draining
	if d == nil {
		s[0] = api.EncodeI32(-1)
		return
	}
	rec := d.b.next()
	if rec == nil {
		s[0] = api.EncodeI32(-1)
		return
	}
	if len(rec) > int(d.max) {
		if !d.b.cut {
			d.b.cut = true
			g.logf("wasm_bpf_buffer_poll", "map %s: a record of %d bytes was cut to the guest's %d-byte buffer; poll with a buffer as large as the map's records", d.b.name, len(rec), d.max)
		}
		rec = rec[:d.max]
	}
	if !g.mod.Memory().Write(d.data, rec) {
		panic(&abort{fmt.Errorf("data buffer %#x left the guest's memory during a poll", d.data)})
	}
	s[0] = uint64(len(rec))
}
