// A wasm-bpf guest in Go (GOOS=wasip1) for the host's tests: it declares the
// host calls itself and polls through the callback-wrapper variant, since Go
// cannot hand out function-table indices.
//
//	goguest PID N      load, attach, receive N events, exercise the maps
//	goguest drain PID  attach, then receive batches of records: for each count
//	                   K read from stdin, poll until K more arrived and print
//	                   "ok"; at EOF print the records, the polls and the time
//	                   spent polling
package main

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"
)

//go:embed events.o
var obj []byte

//go:wasmimport wasm_bpf wasm_load_bpf_object
func loadObject(obj unsafe.Pointer, size int32) uint64

//go:wasmimport wasm_bpf wasm_attach_bpf_program
func attachProgram(obj uint64, name unsafe.Pointer, target unsafe.Pointer) int32

//go:wasmimport wasm_bpf wasm_bpf_map_fd_by_name
func mapFDByName(obj uint64, name unsafe.Pointer) int32

//go:wasmimport wasm_bpf wasm_bpf_map_operate
func mapOperate(fd int32, cmd int32, key, value, nextKey unsafe.Pointer, flags uint64) int32

//go:wasmimport wasm_bpf wasm_close_bpf_object
func closeObject(obj uint64) int32

//go:wasmimport callback-wrapper wasm_bpf_buffer_poll
func bufferPoll(obj uint64, fd int32, ctx uint32, data unsafe.Pointer, maxSize int32, timeoutMS int32) int32

const (
	lookup, update, del, nextKey = 1, 2, 3, 4
	tail                         = 8192
)

// cstr returns a NUL-terminated copy of s.
func cstr(s string) unsafe.Pointer { return unsafe.Pointer(&append([]byte(s), 0)[0]) }

var (
	pid                uint32
	events, bad, small int
	seqSum, smallSum   uint32
	comm               string
	pollingSmall       bool
	counting           bool // drain mode: only count records
)

//go:wasmexport go-callback
func callback(ctx, data, size uint32) uint32 {
	if counting {
		events++
		return 0
	}
	rec := unsafe.Slice((*byte)(unsafe.Pointer(uintptr(data))), size)
	if pollingSmall {
		small++
		if size < 8 || binary.LittleEndian.Uint32(rec) != pid {
			bad++
		}
		smallSum += binary.LittleEndian.Uint32(rec[4:])
		return 0
	}
	events++
	if size != 24+tail || binary.LittleEndian.Uint32(rec) != pid || rec[24] != 0xab || rec[24+tail-1] != rec[4] {
		bad++
		return 0
	}
	seqSum += binary.LittleEndian.Uint32(rec[4:])
	comm = string(rec[8:24])
	for i := range 16 {
		if rec[8+i] == 0 {
			comm = string(rec[8 : 8+i])
			break
		}
	}
	return 0
}

// loadAttached loads the object, stores pid in filter and attaches on_prctl.
func loadAttached() uint64 {
	h := loadObject(unsafe.Pointer(&obj[0]), int32(len(obj)))
	if h == 0 {
		fmt.Println("load failed")
		os.Exit(10)
	}
	var zero uint32
	if err := mapOperate(mapFDByName(h, cstr("filter")), update, unsafe.Pointer(&zero), unsafe.Pointer(&pid), nil, 0); err != 0 {
		fmt.Println("filter update:", err)
		os.Exit(11)
	}
	if err := attachProgram(h, cstr("on_prctl"), nil); err != 0 {
		fmt.Println("attach:", err)
		os.Exit(12)
	}
	return h
}

func main() {
	if os.Args[1] == "drain" {
		drain()
		return
	}
	p, _ := strconv.Atoi(os.Args[1])
	n, _ := strconv.Atoi(os.Args[2])
	pid = uint32(p)
	h := loadAttached()
	rb, pb := mapFDByName(h, cstr("events")), mapFDByName(h, cstr("small"))
	buf := make([]byte, 16384)
	idle := 0
	poll := func(fd int32, timeout int32) {
		r := bufferPoll(h, fd, 0, unsafe.Pointer(&buf[0]), int32(len(buf)), timeout)
		if r < 0 {
			fmt.Println("poll:", r)
			os.Exit(13)
		}
		// Records that never come are a failure, not a reason to hang.
		if idle = idle + 1; r > 0 {
			idle = 0
		} else if idle == 10 {
			fmt.Printf("no records for 10 polls: events %d small %d\n", events, small)
			os.Exit(14)
		}
	}
	// Unlike the C guest, no poll of the perf buffer before the events: the
	// host reads perf buffers from load on.
	fmt.Println("attached")
	for pollingSmall = false; events < n; {
		poll(rb, 1000)
	}
	for pollingSmall = true; small < n; {
		poll(pb, 1000)
	}
	fmt.Printf("events %d seqsum %d small %d smallsum %d bad %d comm %s\n", events, seqSum, small, smallSum, bad, comm)

	counts := mapFDByName(h, cstr("counts"))
	var key, next uint32
	var value, sum uint64
	keys := 0
	for k := unsafe.Pointer(nil); mapOperate(counts, nextKey, k, nil, unsafe.Pointer(&next), 0) == 0; k = unsafe.Pointer(&key) {
		key = next
		keys++
		if mapOperate(counts, lookup, unsafe.Pointer(&key), unsafe.Pointer(&value), nil, 0) == 0 {
			sum += value
		}
	}
	key = 1
	d := mapOperate(counts, del, unsafe.Pointer(&key), nil, nil, 0)
	again := mapOperate(counts, lookup, unsafe.Pointer(&key), unsafe.Pointer(&value), nil, 0)
	fmt.Printf("keys %d sum %d delete %d lookup-after-delete %d close %d\n", keys, sum, d, again, closeObject(h))
}

// drain is the benchmark mode (see the command's doc).
func drain() {
	p, _ := strconv.Atoi(os.Args[2])
	pid, counting = uint32(p), true
	h := loadAttached()
	rb := mapFDByName(h, cstr("events"))
	buf := make([]byte, 4096)
	fmt.Println("attached")
	var spent time.Duration
	polls := 0
	for {
		var k int
		if _, err := fmt.Scan(&k); err != nil {
			break
		}
		start := time.Now()
		for want, idle := events+k, 0; events < want; polls++ {
			r := bufferPoll(h, rb, 0, unsafe.Pointer(&buf[0]), int32(len(buf)), 1000)
			if r < 0 || idle == 10 {
				os.Exit(21) // failed, or records that never come
			}
			if idle++; r > 0 {
				idle = 0
			}
		}
		spent += time.Since(start)
		fmt.Println("ok")
	}
	fmt.Printf("got %d polls %d ns %d\n", events, polls, spent.Nanoseconds())
}
