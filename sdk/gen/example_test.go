package gen_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"nomia.dev/nomia/sdk/gen"
)

// CFlags are what `nomia build --wasm` passes clang for a C guest; a Makefile
// can use the same (the header lives in a temporary directory until cleanup).
func ExampleCFlags() {
	flags, cleanup, err := gen.CFlags("/opt/wasi-sdk/share/wasi-sysroot")
	if err != nil {
		panic(err)
	}
	defer cleanup()
	fmt.Println(flags[0], flags[3], flags[4])
	// Output: --target=wasm32-wasi -Wl,--export-table --sysroot=/opt/wasi-sdk/share/wasi-sysroot
}

// Build is `nomia build --wasm DIR`: DIR holds mytool.bpf.c and main.go (or
// main.c); the result is DIR/mytool.wasm with the object inside, which
// `nomia run mytool.wasm` runs.
func ExampleBuild() {
	res, err := gen.Build(context.Background(), gen.Options{
		Dir:         "./mytool",
		NomiaModule: os.Getenv("NOMIA_SDK"), // for a Go guest without go.mod
	})
	if err != nil {
		fmt.Println(strings.SplitN(err.Error(), ":", 2)[0])
		return
	}
	fmt.Println(res.Module)
	// Output: build --wasm ./mytool
}
