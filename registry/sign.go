package registry

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/sign"
)

// Repository connects to the repository ref names with the client's
// credentials and plain-HTTP rules, for tools that work on a repository
// directly (signing does).
func (c *Client) Repository(ref string) (*remote.Repository, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, err
	}
	return c.repository(r)
}

// Sign stores a cosign signature by key of the manifest described by
// manifest (as Push returned it) in the repository ref names.
func (c *Client) Sign(ctx context.Context, ref string, manifest ocispec.Descriptor, key crypto.Signer) error {
	repo, err := c.Repository(ref)
	if err != nil {
		return fmt.Errorf("signing %s: %v", ref, err)
	}
	if err := sign.Sign(ctx, repo, ref, manifest, key); err != nil {
		return singleLine{err}
	}
	return nil
}

// Verify checks that the pulled artifact a carries a cosign signature by pub
// naming exactly its manifest digest, before anything runs it. Signatures are
// looked for as policy says, like the artifact itself:
//
//   - PullAlways asks the registry;
//   - PullMissing first tries the signature cached by an earlier
//     verification, and asks the registry when there is none or it does not
//     verify with pub (the registry may hold a newer signature by this key);
//   - PullNever verifies from the cache alone.
//
// Only the fetching is cached: the cryptographic check runs every time, over
// blobs the cache verifies against their digests as they are read. A
// signature that verified at the registry is cached (its manifest and
// payloads, tagged HOST/NAME:sha256-HEX.sig as cosign names it) for later
// offline runs. The error is one line and wraps sign's ErrNotSigned,
// ErrBadSignature, ErrTampered or ErrMalformed when the signature is at fault.
func (c *Client) Verify(ctx context.Context, a *Artifact, store *cache.Store, policy PullPolicy, pub crypto.PublicKey) error {
	r, err := ParseReference(a.Pinned)
	if err != nil {
		return fmt.Errorf("verifying %s: %v", a.Pinned, err)
	}
	local := &cachedRepository{store: store, repo: r.Registry + "/" + r.Repository}
	sigRef := SignatureRef(r, a.Manifest.Digest)
	var cachedErr error
	if policy != PullAlways {
		if _, err := store.Resolve(ctx, sigRef); err == nil {
			cachedErr = sign.Verify(ctx, local, a.Pinned, a.Manifest, pub)
			if cachedErr == nil || policy == PullNever {
				return cachedErr
			}
		} else if policy == PullNever {
			return fmt.Errorf("verifying %s: no signature in the cache (%s), and --pull never keeps the registry out (verify it online first: nomia pull --verify KEY %s)", a.Pinned, store.Dir(), a.Ref)
		}
	}
	repo, err := c.repository(r)
	if err != nil {
		return err
	}
	rec := &recordingTarget{ReadOnlyTarget: repo}
	if err := sign.Verify(ctx, rec, a.Pinned, a.Manifest, pub); err != nil {
		if cachedErr != nil && !isVerdict(err) {
			// The registry could not be asked (it is down, say): the
			// cached signature's verdict says more than a network error.
			return cachedErr
		}
		if !isVerdict(err) {
			err = fmt.Errorf("%w (the signature comes from registry %s until a verification caches it; then --pull never works offline)", err, r.Registry)
		}
		return singleLine{err}
	}
	if err := rec.storeInto(ctx, store, sigRef); err != nil {
		return fmt.Errorf("verifying %s: the signature verified, but caching it failed: %v", a.Pinned, err)
	}
	return nil
}

// isVerdict says whether err is sign's judgement of a signature, rather than
// a failure to fetch one.
func isVerdict(err error) bool {
	for _, v := range []error{sign.ErrNotSigned, sign.ErrBadSignature, sign.ErrTampered, sign.ErrMalformed} {
		if errors.Is(err, v) {
			return true
		}
	}
	return false
}

// singleLine is err on one line, still matching errors.Is for sign's
// errors (a registry's error body may span lines).
type singleLine struct{ err error }

// Error is the wrapped message with its line breaks and runs of space folded.
func (e singleLine) Error() string { return oneLine(e.err.Error()) }

// Unwrap is the error as sign returned it.
func (e singleLine) Unwrap() error { return e.err }

// SignatureRef is the cache entry under which Verify keeps the signature of
// manifest from r's repository: HOST/NAME:sha256-HEX.sig, as cosign tags it.
func SignatureRef(r registry.Reference, manifest digest.Digest) string {
	return r.Registry + "/" + r.Repository + ":" + sign.SignatureTag(manifest)
}

// IsSignatureRef reports whether a cache entry's reference names a cosign
// signature (its tag is sha256-HEX.sig) rather than an artifact.
func IsSignatureRef(ref string) bool {
	r, err := ParseReference(ref)
	return err == nil && strings.HasPrefix(r.Reference, "sha256-") && strings.HasSuffix(r.Reference, ".sig")
}

// cachedRepository is one repository's view of the cache, as sign reads a
// registry: tags are resolved as HOST/NAME:TAG entries of the store.
type cachedRepository struct {
	store *cache.Store
	repo  string
}

// ref is the cache entry a tag of the repository is kept as.
func (c *cachedRepository) ref(tag string) string { return c.repo + ":" + tag }

// Resolve looks the repository's tag up among the cache's entries.
func (c *cachedRepository) Resolve(ctx context.Context, tag string) (ocispec.Descriptor, error) {
	return c.store.Resolve(ctx, c.ref(tag))
}

// Fetch reads a cached blob, checked against its digest as it is read.
func (c *cachedRepository) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	return c.store.Fetch(ctx, desc)
}

// Exists says whether the cache holds the blob.
func (c *cachedRepository) Exists(ctx context.Context, desc ocispec.Descriptor) (bool, error) {
	return c.store.Exists(ctx, desc)
}

// recordingTarget reads a registry for sign.Verify and keeps what it read,
// so that the exact blobs that verified are the ones cached, without a
// second download that could return something else.
type recordingTarget struct {
	oras.ReadOnlyTarget
	resolved ocispec.Descriptor
	blobs    []recordedBlob
}

type recordedBlob struct {
	desc ocispec.Descriptor
	data []byte
}

// Resolve asks the registry and remembers the answer: the signature
// manifest to tag in the cache once it verified.
func (t *recordingTarget) Resolve(ctx context.Context, ref string) (ocispec.Descriptor, error) {
	desc, err := t.ReadOnlyTarget.Resolve(ctx, ref)
	if err == nil {
		t.resolved = desc
	}
	return desc, err
}

// Fetch reads the whole blob, checked against desc; sign bounds desc.Size
// before it fetches, so this holds at most one manifest or payload.
func (t *recordingTarget) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	data, err := content.FetchAll(ctx, t.ReadOnlyTarget, desc)
	if err != nil {
		return nil, err
	}
	t.blobs = append(t.blobs, recordedBlob{desc, data})
	return io.NopCloser(bytes.NewReader(data)), nil
}

// storeInto puts the recorded blobs in store and tags the signature
// manifest as ref.
func (t *recordingTarget) storeInto(ctx context.Context, store *cache.Store, ref string) error {
	for _, b := range t.blobs {
		if ok, err := store.Exists(ctx, b.desc); err == nil && ok {
			continue
		}
		if err := store.Push(ctx, b.desc, bytes.NewReader(b.data)); err != nil {
			return err
		}
	}
	if t.resolved.Digest == "" {
		return fmt.Errorf("no signature manifest was read: %w", errdef.ErrNotFound)
	}
	return store.Tag(ctx, t.resolved, ref)
}
