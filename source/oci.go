package source

import (
	"context"
	"fmt"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry"
)

// pullOCI pulls ref into the cache as opts.Pull allows and reads its layer
// from there, verified again on the way out.
func pullOCI(ctx context.Context, ref string, opts Options) (*Resolved, error) {
	store, err := cache.Open(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	client := opts.Registry
	if client == nil {
		client = &registry.Client{Insecure: opts.Insecure, Progress: opts.Progress}
	}
	a, err := client.Pull(ctx, ref, store, opts.Pull)
	if err != nil {
		return nil, err
	}
	data, err := store.Bytes(ctx, a.Layer)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ref, err)
	}
	r, err := fromBytes(OCI, a.Pinned, data)
	if err != nil {
		return nil, err
	}
	r.Annotations = a.Annotations
	return r, nil
}
