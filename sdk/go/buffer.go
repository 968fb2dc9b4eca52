package wasmbpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// DefaultRecordSize is the size of a Buffer's record area unless
// SetRecordSize changes it: records longer than this are cut to it.
const DefaultRecordSize = 64 << 10

// Buffer polls one ring buffer or perf event array of a loaded object and
// hands each record to a Go function.
type Buffer struct {
	m   *Map
	fn  func(rec []byte) error
	buf []byte
	id  uint32
	err error // what the function returned during the current poll
}

// buffers are the open buffers by the id the host passes back as the
// callback's ctx.
var (
	buffers = map[uint32]*Buffer{}
	lastID  uint32
)

// OpenBuffer polls the ring buffer or perf event array called mapName. fn
// receives each record; rec is only valid during the call. An error from fn
// stops the poll and Poll returns it.
func (o *Object) OpenBuffer(mapName string, fn func(rec []byte) error) (*Buffer, error) {
	m, err := o.Map(mapName)
	if err != nil {
		return nil, err
	}
	lastID++
	b := &Buffer{m: m, fn: fn, buf: make([]byte, DefaultRecordSize), id: lastID}
	buffers[b.id] = b
	return b, nil
}

// RecordDecoder is implemented by the event structs `nomia build --wasm`
// generates: DecodeRecord reads the struct's C layout from a record field by
// field, several times faster than encoding/binary's reflection.
type RecordDecoder interface {
	DecodeRecord(rec []byte) error
}

// OpenBufferOf is OpenBuffer with each record decoded into a T, such as the
// event struct `nomia build --wasm` generates from the object's BTF (through
// its DecodeRecord method), or any fixed-size struct (through
// encoding/binary). A record shorter than T is an error; bytes past T (perf
// buffers pad records) are ignored. fn must not keep the *T: it is reused.
func OpenBufferOf[T any](o *Object, mapName string, fn func(*T) error) (*Buffer, error) {
	var ev T
	if d, ok := any(&ev).(RecordDecoder); ok {
		return o.OpenBuffer(mapName, func(rec []byte) error {
			if err := d.DecodeRecord(rec); err != nil {
				return err
			}
			return fn(&ev)
		})
	}
	if binary.Size(ev) < 0 {
		return nil, fmt.Errorf("wasmbpf: buffer %s: %T has no fixed size: use the generated event struct", mapName, ev)
	}
	return o.OpenBuffer(mapName, func(rec []byte) error {
		if _, err := binary.Decode(rec, binary.LittleEndian, &ev); err != nil {
			return fmt.Errorf("decode a %d-byte record into %T: %v", len(rec), ev, err)
		}
		return fn(&ev)
	})
}

// SetRecordSize sets the largest record the buffer receives whole.
func (b *Buffer) SetRecordSize(n int) {
	if n > 0 {
		b.buf = make([]byte, n)
	}
}

// Poll waits up to timeout for records, then hands every record that is ready
// to the buffer's function, and returns how many it handed over. A timeout of
// 0 (or less) takes what is ready without waiting.
func (b *Buffer) Poll(timeout time.Duration) (int, error) {
	if b.buf == nil {
		return 0, fmt.Errorf("wasmbpf: poll %s: the buffer is closed", b.m.name)
	}
	if err := b.m.obj.loaded("poll " + b.m.name); err != nil {
		return 0, err
	}
	b.err = nil
	rc := hostPoll(b.m.obj.handle, b.m.fd, b.id, b.buf, int32(min(timeout.Milliseconds(), 1<<31-1)))
	switch {
	case b.err != nil:
		err := b.err
		b.err = nil
		return 0, fmt.Errorf("wasmbpf: poll %s: %w", b.m.name, err)
	case rc < 0:
		return 0, fmt.Errorf("wasmbpf: poll %s: %w", b.m.name, Errno(-rc))
	}
	return int(rc), nil
}

// Close forgets the buffer; the host closes its reader with the object.
func (b *Buffer) Close() {
	delete(buffers, b.id)
	b.buf = nil
}

// errStopped is what a record callback reports to the host to end a poll
// whose function failed; the error itself stays in the Buffer.
const errStopped = 1

// deliver hands the record the host just wrote to the buffer with id ctx.
func deliver(ctx, size uint32) int32 {
	b := buffers[ctx]
	if b == nil || b.buf == nil {
		return errStopped
	}
	if err := b.fn(b.buf[:min(int(size), len(b.buf))]); err != nil {
		b.err = err
		return errStopped
	}
	return 0
}

// ErrStop may be returned by a record function to end a poll early without
// an error: Poll then returns it wrapped, and errors.Is(err, ErrStop) holds.
var ErrStop = errors.New("stopped by the record function")
