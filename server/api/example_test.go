package api_test

import (
	"encoding/json"
	"fmt"

	"nomia.dev/nomia/server/api"
)

// ExampleStartRequest shows the body of POST /v1/programs for a reference
// the server resolves, with a program flag and a runner option.
func ExampleStartRequest() {
	b, _ := json.Marshal(api.StartRequest{
		Name:    "opens",
		Source:  "ghcr.io/example/opensnoop:1",
		Args:    []string{"--targ_pid", "42"},
		Options: api.RunOptions{RingBufSize: 16 << 20},
	})
	fmt.Println(string(b))
	// Output: {"name":"opens","source":"ghcr.io/example/opensnoop:1","args":["--targ_pid","42"],"options":{"ringbuf_size":16777216}}
}
