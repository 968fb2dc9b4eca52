package symbolize_test

import (
	"fmt"
	"os"
	"reflect"

	"nomia.dev/nomia/symbolize"
)

// Stack-trace maps store a stack leaf first; Fold writes it root first, the
// way flame-graph tools read it.
func ExampleFold() {
	leafFirst := []string{"inner", "outer", "main"}
	fmt.Println(symbolize.Fold(leafFirst))
	// Output: main;outer;inner
}

// Frame.Name shows the three forms a name takes.
func ExampleFrame_Name() {
	frames := []symbolize.Frame{
		{Addr: 0xffffffff816b7475, Func: "do_sys_openat2", Offset: 0x45, Module: "kernel"},
		{Addr: 0x7f2c1e05a1c4, Offset: 0x2a1c4, Module: "libc.so.6"}, // no symbol covers it
		{Addr: 0x7f2c1f000010}, // not in any file
	}
	for _, f := range frames {
		fmt.Println(f.Name(false), f.Name(true))
	}
	// Output:
	// do_sys_openat2 do_sys_openat2+0x45
	// libc.so.6+0x2a1c4 libc.so.6+0x2a1c4
	// [unknown] [unknown]
}

// A Table names the addresses of a stack. Here the stack is made up, from
// this process's own code: symbolize.Fold's entry, and 3 bytes into it.
func ExampleTable_Names() {
	fold := uint64(reflect.ValueOf(symbolize.Fold).Pointer())
	stack := []uint64{fold + 3, fold} // as a stack-trace map holds it, leaf first
	table := symbolize.NewWithOptions(symbolize.Options{Offsets: true})
	fmt.Println(table.Names(os.Getpid(), false, stack))
	// Output: [nomia.dev/nomia/symbolize.Fold+0x3 nomia.dev/nomia/symbolize.Fold+0x0]
}
