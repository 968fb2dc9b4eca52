package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
)

// Names cosign gives the parts of a signature in a registry.
const (
	// SimpleSigningMediaType is the media type of a layer holding a payload.
	SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	// SignatureAnnotation is the layer annotation holding the base64
	// signature of the layer's payload.
	SignatureAnnotation = "dev.cosignproject.cosign/signature"
)

// Limits on what Verify reads from a registry, so a hostile signature
// manifest cannot make it allocate much: registries cap manifests at 4 MiB,
// and a payload is a few hundred bytes.
const (
	maxManifestSize = 4 << 20
	maxPayloadSize  = 1 << 20
	maxLayers       = 1000 // cosign's own limit on signatures per manifest
)

// SignatureTag is the tag cosign stores the signatures of manifest under, in
// the manifest's own repository: "sha256-<hex>.sig".
func SignatureTag(manifest digest.Digest) string {
	return manifest.Algorithm().String() + "-" + manifest.Encoded() + ".sig"
}

// signatureConfig is the image config go-containerregistry writes for
// cosign's signature images (empty.Image plus one appended layer per
// signature), byte for byte (TestVerifyCosignSignature). Nothing verifies
// it, but tools that list images expect a config that matches the layers.
type signatureConfig struct {
	Architecture string          `json:"architecture"`
	Created      string          `json:"created"`
	History      []historyEntry  `json:"history"`
	OS           string          `json:"os"`
	RootFS       signatureRootFS `json:"rootfs"`
	Config       struct{}        `json:"config"`
}

type historyEntry struct {
	Created string `json:"created"`
}

type signatureRootFS struct {
	Type    string          `json:"type"`
	DiffIDs []digest.Digest `json:"diff_ids"`
}

// zeroTime is how Go's time.Time{} marshals; cosign leaves the times unset.
const zeroTime = "0001-01-01T00:00:00Z"

// signatureManifest builds the manifest and config blob for layers.
func signatureManifest(layers []ocispec.Descriptor) (manifest, config []byte, err error) {
	cfg := signatureConfig{Created: zeroTime, RootFS: signatureRootFS{Type: "layers"}}
	for _, l := range layers {
		// Payload layers are uncompressed, so the diff ID is the digest.
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.Digest)
		cfg.History = append(cfg.History, historyEntry{Created: zeroTime})
	}
	if config, err = json.Marshal(cfg); err != nil {
		return nil, nil, err
	}
	m := ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    content.NewDescriptorFromBytes(ocispec.MediaTypeImageConfig, config),
		Layers:    layers,
	}
	if manifest, err = json.Marshal(m); err != nil {
		return nil, nil, err
	}
	return manifest, config, nil
}

// readSignatureManifest resolves and fetches the signature manifest of
// manifest. found is false when the tag does not exist.
func readSignatureManifest(ctx context.Context, target oras.ReadOnlyTarget, manifest digest.Digest) (m ocispec.Manifest, found bool, err error) {
	tag := SignatureTag(manifest)
	desc, err := target.Resolve(ctx, tag)
	if errors.Is(err, errdef.ErrNotFound) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("looking up %s: %v", tag, err)
	}
	data, err := fetchLimited(ctx, target, desc, maxManifestSize)
	if err != nil {
		return m, true, fmt.Errorf("%w: fetching %s: %v", ErrMalformed, tag, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, true, fmt.Errorf("%w: %s is not an OCI manifest: %v", ErrMalformed, tag, err)
	}
	return m, true, nil
}

// fetchLimited fetches desc, refusing content larger than limit, and checks
// the content against the descriptor's digest and size.
func fetchLimited(ctx context.Context, target content.Fetcher, desc ocispec.Descriptor, limit int64) ([]byte, error) {
	if desc.Size > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", desc.Digest, desc.Size, limit)
	}
	return content.FetchAll(ctx, target, desc)
}

// pushBlob stores data under desc unless the target has it already.
func pushBlob(ctx context.Context, target oras.Target, mediaType string, data []byte) (ocispec.Descriptor, error) {
	desc := content.NewDescriptorFromBytes(mediaType, data)
	if ok, err := target.Exists(ctx, desc); err == nil && ok {
		return desc, nil
	}
	if _, err := oras.PushBytes(ctx, target, mediaType, data); err != nil && !errors.Is(err, errdef.ErrAlreadyExists) {
		return desc, err
	}
	return desc, nil
}
