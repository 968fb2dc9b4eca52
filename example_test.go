package nomia_test

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"nomia.dev/nomia"
	"nomia.dev/nomia/bpfpkg"
)

// Load a package, run it until Ctrl-C and print each event as JSON.
func Example() {
	pkg, err := bpfpkg.ReadFile("examples/opensnoop/package.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := inst.Set("only_failed", "true"); err != nil {
		fmt.Println(err)
		return
	}
	if err := inst.Start(nomia.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	defer inst.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT)
	defer stop()
	inst.Run(ctx, func(ev nomia.Event) {
		fmt.Printf("%s: %s\n", ev.Map, ev.AppendJSON(nil))
	}, nil)
}
