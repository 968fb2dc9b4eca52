package csdk_test

import (
	"fmt"
	"strings"

	csdk "nomia.dev/nomia/sdk/c"
)

// A build writes Header into an include directory as HeaderName; generated
// skeletons include it as <libbpf-wasm.h>.
func Example() {
	for _, call := range []string{"bpf_buffer__poll", "bpf_map_lookup_elem", "bpf_set_prog_attach_target", "wasm_load_bpf_object"} {
		fmt.Println(call, strings.Contains(csdk.Header, " "+call+"("))
	}
	fmt.Println(csdk.HeaderName)
	// Output:
	// bpf_buffer__poll true
	// bpf_map_lookup_elem true
	// bpf_set_prog_attach_target true
	// wasm_load_bpf_object true
	// libbpf-wasm.h
}
