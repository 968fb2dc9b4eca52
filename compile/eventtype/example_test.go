package eventtype_test

import (
	"errors"
	"fmt"
	"os"

	"nomia.dev/nomia/compile/eventtype"
)

// Markers in the source become the overrides Infer takes.
func ExampleMarkers() {
	src := []byte(`
// nomia:event-type events struct event
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); } events SEC(".maps");
/* nomia:event-type ticks tick_t */
`)
	m := eventtype.Markers(src)
	fmt.Println(m["events"])
	fmt.Println(m["ticks"])
	// Output:
	// struct event
	// tick_t
}

// An ambiguous map tells the user how to choose.
func ExampleAmbiguousError() {
	var err error = &eventtype.AmbiguousError{Map: "out", Candidates: []string{"struct alpha", "struct beta"}}
	var amb *eventtype.AmbiguousError
	if errors.As(err, &amb) {
		fmt.Println(amb.Candidates)
	}
	fmt.Println(err)
	// Output:
	// [struct alpha struct beta]
	// event type of map out is ambiguous: struct alpha, struct beta fit; choose one with `nomia build --event-type out=STRUCT` or a source line `// nomia:event-type out STRUCT`
}

// Infer reads an object built with `clang -O2 -g -target bpf`; the source's markers
// settle what inference cannot.
func ExampleInfer() {
	obj, err := os.ReadFile("opensnoop.bpf.o")
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := os.ReadFile("opensnoop.bpf.c")
	results, err := eventtype.Infer(obj, eventtype.Markers(src))
	for _, r := range results {
		fmt.Printf("%s carries %s (%d bytes): %s\n", r.Map, r.Struct, r.Size, r.Evidence)
	}
	if err != nil {
		fmt.Println(err)
	}
}
