package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"

	"nomia.dev/nomia/bpfpkg"
)

// Push stores data, a package.json or a WASM module (told apart by the WASM
// magic number), under ref, which must name a tag. It returns the manifest's
// descriptor; its digest is what to pin, sign or run by.
func (c *Client) Push(ctx context.Context, ref string, data []byte) (ocispec.Descriptor, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("push: %v", err)
	}
	if IsDigest(r) {
		return ocispec.Descriptor{}, fmt.Errorf("push %s: name a tag, not a digest (the digest is known only after the push)", ref)
	}
	repo, err := c.repository(r)
	if err != nil {
		return ocispec.Descriptor{}, err
	}

	var layer ocispec.Descriptor
	var opts oras.PackManifestOptions
	artifactType := ArtifactType
	if IsWASM(data) {
		layer = content.NewDescriptorFromBytes(MediaTypeWASM, data)
		// The WASM config is an empty object, as wasm-to-oci writes it, so that
		// ecli and other WASM tools pull what nomia pushes.
		cfg := []byte("{}")
		cd := content.NewDescriptorFromBytes(MediaTypeWASMConfig, cfg)
		if err := pushBlob(ctx, repo, cd, cfg, nil); err != nil {
			return ocispec.Descriptor{}, explain("push", r, err)
		}
		opts.ConfigDescriptor = &cd
		artifactType = ""
	} else {
		pkg, err := bpfpkg.Parse(data)
		if err != nil {
			return ocispec.Descriptor{}, fmt.Errorf("push %s: not a package.json or WASM module: %v", ref, err)
		}
		layer = content.NewDescriptorFromBytes(MediaTypePackage, data)
		opts.ManifestAnnotations = Annotations(pkg)
	}
	layer.Annotations = map[string]string{ocispec.AnnotationTitle: layerTitle(layer.MediaType)}
	if err := pushBlob(ctx, repo, layer, data, c.Progress); err != nil {
		return ocispec.Descriptor{}, explain("push", r, err)
	}
	opts.Layers = []ocispec.Descriptor{layer}
	desc, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, artifactType, opts)
	if err != nil {
		return ocispec.Descriptor{}, explain("push", r, err)
	}
	if err := repo.Tag(ctx, desc, r.Reference); err != nil {
		return ocispec.Descriptor{}, explain("push", r, err)
	}
	return desc, nil
}

func layerTitle(mediaType string) string {
	if mediaType == MediaTypeWASM {
		return "module.wasm"
	}
	return "package.json"
}

// pushBlob uploads a blob unless the registry has it already.
func pushBlob(ctx context.Context, t content.Storage, desc ocispec.Descriptor, data []byte, progress io.Writer) error {
	ok, err := t.Exists(ctx, desc)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	r := withProgress(bytes.NewReader(data), desc, "push", progress)
	if err := t.Push(ctx, desc, r); err != nil && !errors.Is(err, errdef.ErrAlreadyExists) {
		return err
	}
	return nil
}
