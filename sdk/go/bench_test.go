package wasmbpf

import (
	"encoding/binary"
	"errors"
	"testing"
)

// benchEvent has the layout of a typical event: ids, a name, a value.
type benchEvent struct {
	Pid, Ppid uint32
	Comm      [16]byte
	Value     uint64
	Flag      uint8
	_         [7]byte
}

// BenchmarkDeliverTyped measures what a Go guest spends per record between
// the host's callback and the typed function: lookup of the buffer and
// decoding into a struct through encoding/binary.
func BenchmarkDeliverTyped(b *testing.B) {
	benchDeliver[benchEvent](b, func(e *benchEvent) uint64 { return e.Value })
}

// benchDeliver delivers 40-byte records whose value is 1 to an
// OpenBufferOf[T] buffer and checks that every one arrived.
func benchDeliver[T any](b *testing.B, value func(*T) uint64) {
	elf, _ := fakeELF()
	o, _ := Open(elf, nil)
	o.handle = 1 // as if loaded; Map is never asked of the host
	o.maps["events"] = &Map{obj: o, name: "events", fd: 3}
	var sum uint64
	buf, err := OpenBufferOf(o, "events", func(e *T) error {
		sum += value(e)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	defer buf.Close()
	buf.buf[24] = 1
	b.ReportAllocs()
	for b.Loop() {
		if deliver(buf.id, 40) != 0 {
			b.Fatal("deliver failed")
		}
	}
	if sum != uint64(b.N) {
		b.Fatalf("sum %d after %d records", sum, b.N)
	}
}

// fastEvent is benchEvent with the DecodeRecord method the generator writes.
type fastEvent benchEvent

func (e *fastEvent) DecodeRecord(rec []byte) error {
	if len(rec) < 40 {
		return errStoppedErr
	}
	e.Pid = binary.LittleEndian.Uint32(rec[0:])
	e.Ppid = binary.LittleEndian.Uint32(rec[4:])
	copy(e.Comm[:], rec[8:24])
	e.Value = binary.LittleEndian.Uint64(rec[24:])
	e.Flag = rec[32]
	return nil
}

var errStoppedErr = errors.New("short")

// BenchmarkDeliverDecoder is BenchmarkDeliverTyped for a type with a
// generated DecodeRecord method.
func BenchmarkDeliverDecoder(b *testing.B) {
	benchDeliver[fastEvent](b, func(e *fastEvent) uint64 { return e.Value })
}
