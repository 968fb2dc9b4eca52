package cache_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"

	"oras.land/oras-go/v2/content"

	"nomia.dev/nomia/cache"
)

func Example() {
	dir, _ := os.MkdirTemp("", "nomia-cache")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	store, err := cache.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	data := []byte(`{"bpf_object": "..."}`)
	desc := content.NewDescriptorFromBytes("application/json", data)
	// Push checks the bytes against the descriptor before anything is kept.
	if err := store.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		log.Fatal(err)
	}
	if err := store.Tag(ctx, desc, "https://example.test/package.json"); err != nil {
		log.Fatal(err)
	}
	got, _ := store.Resolve(ctx, "https://example.test/package.json")
	fmt.Println(got.Digest == desc.Digest, got.Size)
	// Output: true 21
}
