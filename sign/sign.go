package sign

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/errdef"
)

// Errors Verify wraps, for errors.Is; the messages around them say which
// artifact, which key and what to do.
var (
	// ErrNotSigned: the artifact has no signature manifest.
	ErrNotSigned = errors.New("not signed")
	// ErrBadSignature: no signature verifies with the given key.
	ErrBadSignature = errors.New("signature does not match key")
	// ErrTampered: a signature by the key signs another manifest digest.
	ErrTampered = errors.New("tampered")
	// ErrMalformed: the signature manifest or a payload is not cosign's.
	ErrMalformed = errors.New("malformed signature")
)

// Sign signs the manifest that manifest describes, stored in target (the
// repository repoRef names, e.g. "localhost:5000/tools/opensnoop"), and
// stores the signature as cosign does: a layer of the manifest tagged
// SignatureTag(manifest.Digest) in target, created or extended. Signing
// again with a key that already signed the manifest changes nothing.
func Sign(ctx context.Context, target oras.Target, repoRef string, manifest ocispec.Descriptor, key crypto.Signer) error {
	payload, err := NewPayload(repoRef, manifest.Digest, nil)
	if err != nil {
		return fmt.Errorf("signing %s: %v", repoRef, err)
	}
	name := artifactName(repoRef, manifest.Digest)
	existing, _, err := readSignatureManifest(ctx, target, manifest.Digest)
	if err != nil {
		return fmt.Errorf("signing %s: existing signatures: %v: delete the tag %s or fix the registry", name, err, SignatureTag(manifest.Digest))
	}
	if checkLayers(ctx, target, existing.Layers, manifest.Digest, key.Public()) == nil {
		return nil
	}
	sig, err := signBytes(key, payload)
	if err != nil {
		return fmt.Errorf("signing %s: %v", name, err)
	}
	layer, err := pushBlob(ctx, target, SimpleSigningMediaType, payload)
	if err != nil {
		return fmt.Errorf("signing %s: pushing the payload: %v", name, err)
	}
	layer.Annotations = map[string]string{SignatureAnnotation: base64.StdEncoding.EncodeToString(sig)}
	manifestBytes, config, err := signatureManifest(append(existing.Layers, layer))
	if err != nil {
		return fmt.Errorf("signing %s: %v", name, err)
	}
	if _, err := pushBlob(ctx, target, ocispec.MediaTypeImageConfig, config); err != nil {
		return fmt.Errorf("signing %s: pushing the signature config: %v", name, err)
	}
	if _, err := oras.TagBytes(ctx, target, ocispec.MediaTypeImageManifest, manifestBytes, SignatureTag(manifest.Digest)); err != nil {
		return fmt.Errorf("signing %s: pushing %s: %v", name, SignatureTag(manifest.Digest), err)
	}
	return nil
}

// Verify checks that the manifest manifest describes, in target (the
// repository repoRef names, used in messages), carries a cosign signature by
// pub naming exactly manifest.Digest. The error, one line, wraps
// ErrNotSigned, ErrBadSignature, ErrTampered or ErrMalformed.
func Verify(ctx context.Context, target oras.ReadOnlyTarget, repoRef string, manifest ocispec.Descriptor, pub crypto.PublicKey) error {
	name := artifactName(repoRef, manifest.Digest)
	if err := manifest.Digest.Validate(); err != nil {
		return fmt.Errorf("verifying %s: manifest digest %q: %v", repoRef, manifest.Digest, err)
	}
	if _, err := signatureHashes(pub); err != nil {
		return fmt.Errorf("verifying %s: %v", name, err)
	}
	sigs, found, err := readSignatureManifest(ctx, target, manifest.Digest)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", name, err)
	}
	if !found || len(sigs.Layers) == 0 {
		return fmt.Errorf("%s is %w (no %s): sign it with nomia push --sign KEY or cosign sign --key KEY", name, ErrNotSigned, SignatureTag(manifest.Digest))
	}
	if err := checkLayers(ctx, target, sigs.Layers, manifest.Digest, pub); err != nil {
		return fmt.Errorf("verifying %s: %w", name, err)
	}
	return nil
}

// checkLayers returns nil when one of layers is a payload for want signed
// by pub, else the most telling failure: a payload pub signed for another
// digest (or malformed) beats a signature by another key, which beats a
// layer that is not a signature at all.
func checkLayers(ctx context.Context, target oras.ReadOnlyTarget, layers []ocispec.Descriptor, want digest.Digest, pub crypto.PublicKey) error {
	if len(layers) > maxLayers {
		return fmt.Errorf("%w: %d signature layers, more than the %d cosign reads", ErrMalformed, len(layers), maxLayers)
	}
	var signedByKey, otherKey, broken error
	for _, l := range layers {
		payload, err := layerPayload(ctx, target, l)
		if err != nil {
			broken = cmpOr(broken, err)
			continue
		}
		if err := verifyBytes(pub, payload.data, payload.sig); err != nil {
			otherKey = err
			continue
		}
		p, err := ParsePayload(payload.data)
		if err != nil {
			signedByKey = cmpOr(signedByKey, fmt.Errorf("%w: layer %s: %v", ErrMalformed, l.Digest, err))
			continue
		}
		if p.Digest() != want {
			signedByKey = fmt.Errorf("signed payload names digest %s, not %s (%w): the tag was moved to another manifest or the signature was copied from one", p.Digest(), want, ErrTampered)
			continue
		}
		return nil
	}
	if otherKey != nil && signedByKey == nil {
		return fmt.Errorf("%w %s (%d signatures checked): wrong key, or the signature was altered", ErrBadSignature, KeyID(pub), len(layers))
	}
	return cmpOr(signedByKey, broken, fmt.Errorf("%w: no signature layers", ErrNotSigned))
}

// signedPayload is a layer's payload bytes and decoded signature.
type signedPayload struct {
	data, sig []byte
}

// layerPayload fetches a cosign signature layer and its signature.
func layerPayload(ctx context.Context, target oras.ReadOnlyTarget, l ocispec.Descriptor) (signedPayload, error) {
	if l.MediaType != SimpleSigningMediaType {
		return signedPayload{}, fmt.Errorf("%w: layer %s has media type %q, not %s", ErrMalformed, l.Digest, l.MediaType, SimpleSigningMediaType)
	}
	enc, ok := l.Annotations[SignatureAnnotation]
	if !ok {
		return signedPayload{}, fmt.Errorf("%w: layer %s has no %s annotation", ErrMalformed, l.Digest, SignatureAnnotation)
	}
	sig, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return signedPayload{}, fmt.Errorf("%w: layer %s: signature is not base64: %v", ErrMalformed, l.Digest, err)
	}
	data, err := fetchLimited(ctx, target, l, maxPayloadSize)
	if errors.Is(err, errdef.ErrNotFound) {
		return signedPayload{}, fmt.Errorf("%w: layer %s is missing from the registry", ErrMalformed, l.Digest)
	}
	if err != nil {
		return signedPayload{}, fmt.Errorf("%w: layer %s: %v (the registry's copy is corrupt or was altered)", ErrMalformed, l.Digest, err)
	}
	return signedPayload{data: data, sig: sig}, nil
}

// artifactName is "registry/repository@digest" for messages, or repoRef as
// given when it does not parse.
func artifactName(repoRef string, d digest.Digest) string {
	if repo, err := repositoryName(repoRef); err == nil {
		return repo + "@" + d.String()
	}
	return repoRef + "@" + d.String()
}

// cmpOr is the first non-nil error.
func cmpOr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
