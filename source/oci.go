package source

import (
	"context"
	"fmt"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry"
)

// pullOCI pulls ref into the cache as opts.Pull allows and reads its layer
// from there, verified again on the way out. With opts.Verify the layer is
// read only once the manifest's signature verified.
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
	// The layer read below is the one a.Manifest lists, and the cache checks
	// it against its digest: verifying a.Manifest.Digest covers what runs.
	if opts.Verify != nil {
		if err := client.Verify(ctx, a, store, opts.Pull, opts.Verify); err != nil {
			return nil, err
		}
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
