package wasm

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/tetratelabs/wazero/api"
	"golang.org/x/sys/unix"
)

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
	rc, err := g.drainInto(ctx, drainFn, what, &drain{b: b, data: api.DecodeU32(data), max: uint32(size)},
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

// drainInto runs one poll of d.b through the trampoline's drainFn. A callback
// may poll another map, so the drain in progress is saved and restored.
func (g *guest) drainInto(ctx context.Context, drainFn api.Function, what string, d *drain,
	timeout time.Duration, args ...uint64) (rc int32, err error) {
	prev := g.draining
	g.draining = d
	d.b.begin(ctx, timeout)
	defer func() {
		g.draining = prev
		if end := d.b.end(); err == nil {
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
