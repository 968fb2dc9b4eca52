// Package nomia runs eBPF packages: it loads a compiled object into the kernel,
// sets its globals, attaches every program by its section name and delivers the
// events of its ring buffers and perf buffers, decoded with BTF.
//
// The pipeline behind it is one package per stage: bpfpkg (package format),
// compile (C → package), globals (typed settings), load and attach (kernel),
// events (buffer readers), decode and output (formatting). The nomia command and
// server are thin clients of this package.
//
// A typical use:
//
//	pkg, err := bpfpkg.ReadFile("package.json")
//	inst, err := nomia.New(pkg)
//	err = inst.Set("targ_pid", "42")
//	err = inst.Start(nomia.Options{})
//	defer inst.Close()
//	err = inst.Run(ctx, func(ev nomia.Event) {
//		fmt.Printf("%s\n", ev.AppendJSON(nil))
//	}, nil)
package nomia
