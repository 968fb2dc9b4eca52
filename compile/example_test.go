package compile_test

import (
	"context"
	"fmt"

	"nomia.dev/nomia/compile"
)

// Build compiles a source and describes it: programs, globals with their doc
// comments, and the event struct its ring buffer carries.
func ExampleBuild() {
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/ringbuf.bpf.c"})
	if err != nil {
		fmt.Println(err)
		return
	}
	meta := pkg.Meta
	fmt.Println(meta.Skel.ObjName, "-", meta.Skel.Doc.Brief)
	for _, p := range meta.Skel.Progs {
		fmt.Println("program", p.Name, "at", p.Attach)
	}
	for _, et := range meta.ExportTypes {
		fmt.Printf("event struct %s, %d bytes:", et.Name, et.Size)
		for _, m := range et.Members {
			fmt.Printf(" %s %s;", m.Type, m.Name)
		}
		fmt.Println()
	}
	// Output:
	// ringbuf_bpf - Reports getpid callers.
	// program handle_getpid at tracepoint/syscalls/sys_enter_getpid
	// event struct event, 32 bytes: __u32 pid; char[16] comm; __u64 ts;
}
