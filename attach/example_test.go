package attach_test

import (
	"fmt"

	"nomia.dev/nomia/attach"
)

func ExampleParseSection() {
	for _, sec := range []string{"tp/syscalls/sys_enter_openat", "kretprobe/do_unlinkat", "uprobe//bin/bash:readline", "tc"} {
		h, _ := attach.ParseSection(sec)
		fmt.Printf("%-28s kind=%s target=%s twin=%q\n", sec, h.Kind, h.Target, h.Twin)
	}
	_, err := attach.ParseSection("struct_ops/tcp_ca")
	fmt.Println(err != nil)
	// Output:
	// tp/syscalls/sys_enter_openat kind=tracepoint target=syscalls/sys_enter_openat twin="tp:sys_enter_openat"
	// kretprobe/do_unlinkat        kind=kretprobe target=do_unlinkat twin="exit:do_unlinkat"
	// uprobe//bin/bash:readline    kind=uprobe target=/bin/bash:readline twin=""
	// tc                           kind=tc target=ingress twin=""
	// true
}

// Program attaches a loaded program by its section name; the Target supplies
// what the section cannot say.
func ExampleProgram() {
	// coll, _ := ebpf.NewCollection(spec)
	// a, err := attach.Program(coll.Programs["handle"], spec.Programs["handle"],
	// 	attach.Target{Iface: "eth0", Binary: "/usr/bin/bash"})
	// if err != nil { log.Fatal(err) } // one line: program, section, reason
	// defer a.Close()
	fmt.Println(attach.DefaultIface, attach.DefaultFreq)
	// Output: lo 49
}
