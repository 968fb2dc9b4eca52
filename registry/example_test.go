package registry_test

import (
	"fmt"

	"nomia.dev/nomia/registry"
)

func ExampleParseReference() {
	for _, s := range []string{"localhost:5000/tools/mytool", "ghcr.io/org/mytool:v1", "mytool:v1"} {
		ref, err := registry.ParseReference(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(ref.Registry, ref.Repository, ref.Reference)
	}
	// Output:
	// localhost:5000 tools/mytool latest
	// ghcr.io org/mytool v1
	// error: "mytool:v1" has no registry host (write it as HOST[:PORT]/NAME[:TAG], e.g. localhost:5000/mytool:v1)
}

func ExamplePullPolicy() {
	var p registry.PullPolicy // the zero value pulls only what the cache lacks
	fmt.Println(p)
	_ = p.Set("never")
	fmt.Println(p)
	// Output:
	// missing
	// never
}
