package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry"

	"nomia.dev/nomia/cache"
)

// Artifact is a pulled manifest and the layer nomia runs from it.
type Artifact struct {
	// Ref is the reference it was pulled by, with the default tag filled in.
	Ref string
	// Pinned is the same artifact named by its manifest digest.
	Pinned string
	// Manifest describes the manifest.
	Manifest ocispec.Descriptor
	// ArtifactType is the manifest's artifactType, or its config's media type.
	ArtifactType string
	// Annotations are the manifest's annotations (title, description, …).
	Annotations map[string]string
	// Layer is the package.json or WASM layer, stored in the cache.
	Layer ocispec.Descriptor
	// FromCache says that no registry was asked.
	FromCache bool
}

// IsWASM says whether the artifact carries a WASM module rather than a package.
func (a *Artifact) IsWASM() bool { return a.Layer.MediaType == MediaTypeWASM }

// Pull makes ref available in store, asking the registry as policy allows,
// and describes what it holds. A tag is resolved once: the manifest and layer
// are then fetched by digest, and every blob is verified before it is stored.
func (c *Client) Pull(ctx context.Context, ref string, store *cache.Store, policy PullPolicy) (*Artifact, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("pull: %v", err)
	}
	if policy != PullAlways {
		a, cerr := cached(ctx, store, r)
		if cerr == nil {
			return a, nil
		}
		if policy == PullNever {
			return nil, fmt.Errorf("%s: %v (cache %s), and --pull never keeps the registry out (pull it first: nomia pull %s)", r, cerr, store.Dir(), r)
		}
	}
	return c.pull(ctx, r, store)
}

func (c *Client) pull(ctx context.Context, r registry.Reference, store *cache.Store) (*Artifact, error) {
	repo, err := c.repository(r)
	if err != nil {
		return nil, err
	}
	desc, err := repo.Resolve(ctx, r.Reference)
	if err != nil {
		return nil, explain("pull", r, err)
	}
	if want, err := r.Digest(); err == nil && desc.Digest != want {
		return nil, fmt.Errorf("pull %s: registry %s answered with manifest %s (a different digest; the registry is broken or tampered with)", r, r.Registry, desc.Digest)
	}
	if err := fetchInto(ctx, c, repo, r, desc, store); err != nil {
		return nil, err
	}
	a, err := Inspect(ctx, store, desc)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %v", r, err)
	}
	if err := fetchInto(ctx, c, repo, r, a.Layer, store); err != nil {
		return nil, err
	}
	a.Ref, a.Pinned = r.String(), pinned(r, desc)
	for _, key := range []string{a.Ref, a.Pinned} {
		if err := store.Tag(ctx, desc, key); err != nil {
			return nil, fmt.Errorf("pull %s: %v", r, err)
		}
	}
	return a, nil
}

// fetchInto copies one blob from the registry into the store unless the store
// has it already, intact: a cached copy damaged on disk is downloaded again.
func fetchInto(ctx context.Context, c *Client, repo content.Fetcher, r registry.Reference, desc ocispec.Descriptor, store *cache.Store) error {
	if _, err := store.Bytes(ctx, desc); err == nil {
		return nil
	}
	rc, err := repo.Fetch(ctx, desc)
	if err != nil {
		return explain("pull", r, err)
	}
	defer rc.Close()
	err = store.Push(ctx, desc, withProgress(rc, desc, "pull", c.Progress))
	if errors.Is(err, content.ErrMismatchedDigest) || errors.Is(err, content.ErrTrailingData) {
		return fmt.Errorf("pull %s: blob %s from registry %s does not match its digest (damaged or tampered with); nothing was stored", r, desc.Digest, r.Registry)
	}
	if err != nil {
		return fmt.Errorf("pull %s: blob %s: %v", r, desc.Digest, oneLine(err.Error()))
	}
	return nil
}

func pinned(r registry.Reference, desc ocispec.Descriptor) string {
	r.Reference = desc.Digest.String()
	return r.String()
}

// cached describes ref from the store alone.
func cached(ctx context.Context, store *cache.Store, r registry.Reference) (*Artifact, error) {
	desc, err := store.Resolve(ctx, r.String())
	if err != nil {
		return nil, errors.New("not in the cache")
	}
	a, err := Inspect(ctx, store, desc)
	if err != nil {
		return nil, err
	}
	// Read it all: a layer damaged on disk counts as missing, so that the
	// default policy downloads it again instead of failing later.
	if _, err := store.Bytes(ctx, a.Layer); err != nil {
		return nil, fmt.Errorf("layer %s missing from or damaged in the cache", a.Layer.Digest)
	}
	a.Ref, a.Pinned, a.FromCache = r.String(), pinned(r, desc), true
	return a, nil
}

// Inspect reads the manifest desc names from store and picks the layer nomia
// runs: a nomia package layer, or a WASM module layer.
func Inspect(ctx context.Context, store *cache.Store, desc ocispec.Descriptor) (*Artifact, error) {
	b, err := store.Bytes(ctx, desc)
	if err != nil {
		return nil, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %v", desc.Digest, err)
	}
	if m.MediaType == ocispec.MediaTypeImageIndex || len(m.Layers) == 0 && strings.Contains(string(b), `"manifests"`) {
		return nil, fmt.Errorf("manifest %s is an index of several manifests; name one of them by digest", desc.Digest)
	}
	a := &Artifact{Manifest: desc, Annotations: m.Annotations, ArtifactType: m.ArtifactType}
	if a.ArtifactType == "" {
		a.ArtifactType = m.Config.MediaType
	}
	for _, l := range m.Layers {
		if l.MediaType == MediaTypePackage || l.MediaType == MediaTypeWASM {
			a.Layer = l
			return a, nil
		}
	}
	var types []string
	for _, l := range m.Layers {
		types = append(types, l.MediaType)
	}
	return nil, fmt.Errorf("manifest %s holds no nomia package or WASM module (layers: %s)", desc.Digest, strings.Join(types, ", "))
}
