// A Go wasm-bpf guest for the SDK tests: it sets targ_pid and multiplier,
// loads and attaches probe.bpf.c, decodes N ring-buffer and N perf-buffer
// events into the generated Event and Small structs, then walks, reads and deletes map entries.
//
//	goguest PID N MULTIPLIER
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	wasmbpf "nomia.dev/nomia/sdk/go"
)

func main() {
	if err := run(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: main PID N MULTIPLIER")
		os.Exit(2)
	}
	pid, _ := strconv.Atoi(os.Args[1])
	n, _ := strconv.Atoi(os.Args[2])
	mult, _ := strconv.Atoi(os.Args[3])
	obj, err := openBPF()
	if err != nil {
		return err
	}
	if err := obj.SetGlobal("targ_pid", uint32(pid)); err != nil {
		return err
	}
	if err := obj.SetGlobal("multiplier", uint64(mult)); err != nil {
		return err
	}
	if err := obj.SetGlobal("flag_offset", uint8(10)); err != nil {
		return err
	}
	fmt.Println("unknown global refused:", obj.SetGlobal("no_such_global", uint32(1)) != nil)
	if err := obj.Load(); err != nil {
		return err
	}
	defer obj.Close()
	if err := obj.Attach("on_prctl"); err != nil {
		return err
	}
	var got []Event
	var smalls []Small
	buf, err := collect(obj, "events", &got)
	if err != nil {
		return err
	}
	perf, err := collect(obj, "smalls", &smalls)
	if err != nil {
		return err
	}
	// A perf buffer keeps only what arrives while its reader is open: the
	// first poll opens it.
	if _, err := perf.Poll(0); err != nil {
		return err
	}
	fmt.Println("attached")
	for len(got) < n {
		if _, err := buf.Poll(time.Second); err != nil {
			return err
		}
	}
	for len(smalls) < n {
		if _, err := perf.Poll(time.Second); err != nil {
			return err
		}
	}
	for _, e := range got {
		fmt.Printf("event pid=%v seq=%d flag=%d comm=%s value=%d neg=%d\n",
			e.Pid == uint32(pid), e.Seq, e.Flag, wasmbpf.CString(e.Comm[:]), e.Value, e.Neg)
	}

	for _, s := range smalls {
		fmt.Printf("small seq=%d half=%d\n", s.Seq, s.Half)
	}

	counts, err := obj.Map("counts")
	if err != nil {
		return err
	}
	var key uint32
	var value, sum uint64
	keys := 0
	for it := counts.Iterate(); it.Next(&key, &value); {
		keys++
		sum += value
	}
	if err := counts.Update(uint32(1000), uint64(42), wasmbpf.UpdateNoExist); err != nil {
		return err
	}
	var v1000 uint64
	if err := counts.Lookup(uint32(1000), &v1000); err != nil {
		return err
	}
	if err := counts.Delete(uint32(1)); err != nil {
		return err
	}
	again := counts.Lookup(uint32(1), &value)
	fmt.Printf("keys %d sum %d updated %d deleted-lookup-not-exist %v\n", keys, sum, v1000, errors.Is(again, wasmbpf.ErrKeyNotExist))
	return nil
}

// collect appends each record of the buffer mapName, decoded as a T, to into.
func collect[T any](obj *wasmbpf.Object, mapName string, into *[]T) (*wasmbpf.Buffer, error) {
	return wasmbpf.OpenBufferOf(obj, mapName, func(e *T) error {
		*into = append(*into, *e)
		return nil
	})
}
