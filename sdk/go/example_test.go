package wasmbpf_test

import (
	"fmt"
	"time"

	wasmbpf "nomia.dev/nomia/sdk/go"
)

// In a guest, the object and its globals table come from the file `nomia
// build --wasm` generates (bpfObject, bpfGlobals, openBPF); this example
// builds a stand-in so that it runs anywhere.
func ExampleObject_SetGlobal() {
	elf := append([]byte("\x7fELF"), make([]byte, 60)...)
	obj, err := wasmbpf.Open(elf, []wasmbpf.Global{
		{Name: "min_duration_ns", Section: ".rodata", Offset: 32, Size: 8},
		{Name: "targ_comm", Section: ".rodata", Offset: 40, Size: 16},
	})
	if err != nil {
		panic(err)
	}
	// Before Load: each call patches the variable's bytes in the object.
	fmt.Println(obj.SetGlobal("min_duration_ns", uint64(5*time.Millisecond)))
	fmt.Println(obj.SetGlobal("targ_comm", "bash"))
	fmt.Println(obj.SetGlobal("min_duration_ns", 5)) // int has no fixed size

	var ns uint64
	obj.Global("min_duration_ns", &ns)
	fmt.Println(ns)
	// Output:
	// <nil>
	// <nil>
	// wasmbpf: set global min_duration_ns: int has no fixed size: use a sized type such as uint32, int64, bool, [16]byte or a struct of them
	// 5000000
}

// Event is what `nomia build --wasm` generates for a C struct event: the same
// layout, padding as blank fields.
type Event struct {
	Pid   uint32
	Comm  [16]byte
	_     [4]byte
	Value uint64
}

// A guest's main loop: load, attach, decode each ring-buffer record into the
// generated struct, read a map. It runs only as a wasip1 guest of `nomia run`.
func ExampleOpenBufferOf() {
	run := func(obj *wasmbpf.Object) error {
		if err := obj.Load(); err != nil {
			return err
		}
		defer obj.Close()
		if err := obj.Attach("handle_exec"); err != nil {
			return err
		}
		buf, err := wasmbpf.OpenBufferOf(obj, "events", func(e *Event) error {
			fmt.Println(e.Pid, wasmbpf.CString(e.Comm[:]), e.Value)
			return nil
		})
		if err != nil {
			return err
		}
		for range 10 {
			if _, err := buf.Poll(100 * time.Millisecond); err != nil {
				return err
			}
		}
		counts, err := obj.Map("counts")
		if err != nil {
			return err
		}
		var pid uint32
		var n uint64
		for it := counts.Iterate(); it.Next(&pid, &n); {
			fmt.Println(pid, n)
		}
		return nil
	}
	_ = run // run(openBPF()) in a guest
}
