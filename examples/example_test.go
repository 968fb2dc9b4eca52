package examples_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"nomia.dev/nomia/bpfpkg"
)

// Building an example gives a package that describes itself: the programs
// and where they attach, every global with the doc comment that becomes its
// flag's help, and the event struct nomia inferred without annotations.
func Example_opensnoop() {
	dir, err := os.MkdirTemp("", "nomia-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	pkgPath := filepath.Join(dir, "package.json")
	src := filepath.Join(moduleRoot, "examples", "opensnoop", "opensnoop.bpf.c")
	if out, err := exec.Command(nomiaBin, "build", "-o", pkgPath, src).CombinedOutput(); err != nil {
		fmt.Println(err, string(out))
		return
	}
	pkg, err := bpfpkg.ReadFile(pkgPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pkg.Meta.Skel.Progs {
		fmt.Printf("%s: %s\n", p.Name, p.Attach)
	}
	for _, s := range pkg.Meta.Skel.DataSections {
		for _, v := range s.Variables {
			fmt.Printf("--%s (%s): %s\n", v.Name, v.Type, v.Description)
		}
	}
	for _, e := range pkg.Meta.ExportTypes {
		fmt.Printf("event struct %s, %d bytes:", e.Name, e.Size)
		for _, m := range e.Members {
			fmt.Printf(" %s", m.Name)
		}
		fmt.Println()
	}
	// Output:
	// trace_enter_openat: tracepoint/syscalls/sys_enter_openat
	// trace_exit_openat: tracepoint/syscalls/sys_exit_openat
	// --targ_pid (pid_t): Trace only this process id (0 = every process)
	// --targ_uid (uid_t): Trace only this user id (default: every user)
	// --only_failed (bool): Report only failed opens
	// event struct event, 288 bytes: pid uid ret flags comm fname
}
