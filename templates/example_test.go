package templates_test

import (
	"fmt"
	"os"
	"path/filepath"

	"nomia.dev/nomia/templates"
)

// Creating a project gives its files and the two commands that build and
// run it, which is what `nomia init` prints.
func ExampleCreate() {
	parent, err := os.MkdirTemp("", "nomia-init-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(parent)
	p, err := templates.Create(templates.Options{Name: "mytool", Template: "histogram", Parent: parent})
	if err != nil {
		fmt.Println(err)
		return
	}
	build, run := p.Commands()
	fmt.Println(filepath.Base(p.Dir), p.Files)
	fmt.Println(filepath.Base(build), "|", filepath.Base(run))
	// Output:
	// mytool [README.md mytool.bpf.c mytool.h]
	// mytool.bpf.c | package.json
}

func ExampleCheckName() {
	fmt.Println(templates.CheckName("mytool"))
	fmt.Println(templates.CheckName("my-tool"))
	// Output:
	// <nil>
	// project name "my-tool" is not a C identifier: use letters, digits and _ (not first a digit), e.g. my_tool
}

func ExampleNames() {
	for _, name := range templates.Names() {
		fmt.Println(name)
	}
	// Output:
	// histogram
	// ringbuf
	// tracepoint
	// wasm
	// xdp
}

// A wasm project builds its module with `nomia build --wasm` and runs it;
// the module's own flags go after `--`.
func ExampleProject_Commands() {
	p := &templates.Project{Dir: "mytool", Name: "mytool", Template: "wasm"}
	build, run := p.Commands()
	fmt.Println(build)
	fmt.Println(run, "-- -ppid 4100")
	// Output:
	// nomia build --wasm mytool
	// nomia run mytool/mytool.wasm -- -ppid 4100
}
