package events

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The ring buffer is read straight from its mapping rather than through
// ringbuf.Reader, which copies every record and, per record, takes a mutex, loads
// the producer position and stores the consumer position. Those positions sit on
// cache lines the kernel's producer touches on every bpf_ringbuf_reserve, so each
// access from the reader's CPU is a cross-core cache miss on both sides. Here the
// producer position is read once per run of ready records and the consumer
// position is published once per consumerPublishBytes, and records are handed to
// the handler in place: they stay valid until the consumer position passes them,
// which happens only after the handler returns.

// Bits of a record header's length word (struct bpf_ringbuf_hdr, include/uapi/linux/bpf.h).
const (
	ringBusyBit    = 1 << 31 // reserved, not yet committed or discarded
	ringDiscardBit = 1 << 30 // discarded: skip it
)

// consumerPublishBytes is how much the reader consumes before it tells the kernel,
// so the producer's free space grows in steps of this size while the reader works
// through a long run of records, at one shared-cache-line write per step.
const consumerPublishBytes = 4096

// mmapRing is a BPF ring buffer mapped into this process: the consumer page (which
// the reader writes), then the producer page and the data pages, the latter mapped
// twice in a row by the kernel so that a record that wraps around is contiguous.
type mmapRing struct {
	consPage, prodPage []byte
	cons, prod         *uint64 // consumer_pos and producer_pos in those pages
	data               []byte  // 2 × size bytes: the data pages, twice
	mask               uint64  // size − 1
}

// mapRing maps the ring buffer of the map with descriptor fd and maxEntries bytes
// of data (a power of two, which the kernel enforces when creating the map).
func mapRing(fd int, maxEntries uint32) (*mmapRing, error) {
	size := int(maxEntries)
	if size == 0 || size&(size-1) != 0 {
		return nil, fmt.Errorf("size %d is not a power of two", size)
	}
	page := os.Getpagesize()
	cons, err := unix.Mmap(fd, 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap consumer page: %v", err)
	}
	prod, err := unix.Mmap(fd, int64(page), page+2*size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		_ = unix.Munmap(cons)
		return nil, fmt.Errorf("mmap data pages: %v", err)
	}
	return &mmapRing{
		consPage: cons, prodPage: prod,
		cons: (*uint64)(unsafe.Pointer(&cons[0])),
		prod: (*uint64)(unsafe.Pointer(&prod[0])),
		data: prod[page:],
		mask: uint64(size - 1),
	}, nil
}

// size is the ring's data capacity in bytes.
func (r *mmapRing) size() int { return int(r.mask + 1) }

// unmap releases the mappings; the ring must not be read afterwards.
func (r *mmapRing) unmap() error {
	return firstErr(unix.Munmap(r.prodPage), unix.Munmap(r.consPage))
}

// testHookCaughtUp, when set by a test, runs when drain has caught up with the
// producer but not yet published its position: the moment a record committed
// by the kernel brings no wakeup.
var testHookCaughtUp func()

// errCorrupt means the positions and headers disagree, which the kernel never
// produces; reading on could deliver garbage.
var errCorrupt = errors.New("record runs past the producer position")

// drainResult is what one drain did.
type drainResult struct {
	records, bytes int  // delivered records and the ring bytes they used, headers included
	busy           bool // stopped at a record the producer has reserved but not committed
}

// drain delivers the records that are ready, in order, to k as map index, re-reading
// the producer position until it stops moving, a record is still being written, or
// limit records have been delivered (so that a caller that never catches up can
// still look at its stop flag). A delivered slice points into the ring: it is valid
// only during the handler call and must not be written.
func (r *mmapRing) drain(limit int, k *sink, index int) (drainResult, error) {
	var res drainResult
	cons := atomic.LoadUint64(r.cons) // only this reader writes it
	published := cons
	defer func() {
		if cons != published {
			atomic.StoreUint64(r.cons, cons)
		}
	}()
	for res.records < limit {
		prod := atomic.LoadUint64(r.prod)
		if prod == cons {
			if cons == published {
				return res, nil
			}
			// Caught up. The kernel wakes a waiting reader only for a record
			// committed at the consumer position it sees, so a record committed
			// before the position is published brings no wakeup: publish, then
			// look once more. Both are sequentially consistent (and so is the
			// kernel's side), so either this load sees the record or the
			// kernel sees the new position and wakes the next wait.
			if testHookCaughtUp != nil {
				testHookCaughtUp()
			}
			atomic.StoreUint64(r.cons, cons)
			published = cons
			continue
		}
		for cons != prod && res.records < limit {
			if prod-cons < ringHeaderBytes {
				return res, errCorrupt
			}
			start := cons & r.mask
			// The atomic load orders the record's data after the kernel's commit.
			hdr := atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.data[start])))
			if hdr&ringBusyBit != 0 {
				res.busy = true
				return res, nil
			}
			n := uint64(hdr &^ (ringBusyBit | ringDiscardBit))
			used := RingRecordBytes(n)
			if prod-cons < used {
				return res, errCorrupt
			}
			if hdr&ringDiscardBit == 0 {
				rec := start + ringHeaderBytes
				k.deliver(index, r.data[rec:rec+n:rec+n])
				res.records++
				res.bytes += int(used)
			}
			cons += used
			if cons-published >= consumerPublishBytes {
				atomic.StoreUint64(r.cons, cons)
				published = cons
			}
		}
	}
	return res, nil
}
