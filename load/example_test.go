package load_test

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/load"
)

// Start loads and attaches a whole object; Close detaches and unloads it.
func ExampleStart() {
	spec, err := ebpf.LoadCollectionSpec("tool.bpf.o")
	if err != nil {
		fmt.Println("no object:", err != nil)
		return
	}
	r, err := load.Start(spec, load.Options{
		Target: attach.Target{Iface: "eth0"},
		Notes:  os.Stderr, // "nomia: handle: using kprobe/…; skipped fentry/… (…)"
	})
	if err != nil {
		fmt.Println(err) // one line: program, section, the kernel's reason
		return
	}
	defer r.Close()
	for _, p := range r.Attached {
		fmt.Println(p.Name, p.Section)
	}
	// Output: no object: true
}
