package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
)

// Store is a cache directory. Its methods are safe for concurrent use, also by
// several processes, because every write is a rename of a complete file.
type Store struct {
	dir string
}

// DefaultDir is where nomia caches packages when no directory is given:
// $XDG_CACHE_HOME/nomia/store, else ~/.cache/nomia/store.
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: no cache directory (%v); set XDG_CACHE_HOME or pass --cache-dir", err)
	}
	return filepath.Join(base, "nomia", "store"), nil
}

// Open returns the store in dir, creating the directory if needed. An empty
// dir means DefaultDir.
func Open(dir string) (*Store, error) {
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	for _, sub := range []string{blobDir, refDir, tmpDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("cache %s: %v (pass --cache-dir to use another directory)", dir, err)
		}
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

const (
	blobDir = "blobs/sha256"
	refDir  = "refs"
	tmpDir  = "tmp"
)

func (s *Store) blobPath(d digest.Digest) (string, error) {
	if err := d.Validate(); err != nil {
		return "", fmt.Errorf("cache: bad digest %q: %v", d, err)
	}
	if d.Algorithm() != digest.SHA256 {
		return "", fmt.Errorf("cache: digest %s: only sha256 is stored", d)
	}
	return filepath.Join(s.dir, blobDir, d.Encoded()), nil
}

// Exists says whether the blob desc names is stored.
func (s *Store) Exists(_ context.Context, desc ocispec.Descriptor) (bool, error) {
	p, err := s.blobPath(desc.Digest)
	if err != nil {
		return false, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return fi.Size() == desc.Size, nil
}

// Fetch opens a stored blob. The reader checks the digest again as it is read,
// so a file changed on disk after it was stored fails at EOF rather than
// passing as the package it claims to be.
func (s *Store) Fetch(_ context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	p, err := s.blobPath(desc.Digest)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cache: blob %s: %w", desc.Digest, errdef.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return verifyingReadCloser{content.NewVerifyReader(f, desc), f}, nil
}

type verifyingReadCloser struct {
	vr *content.VerifyReader
	io.Closer
}

func (v verifyingReadCloser) Read(p []byte) (int, error) {
	n, err := v.vr.Read(p)
	if err == io.EOF {
		if verr := v.vr.Verify(); verr != nil {
			return n, verr
		}
	}
	return n, err
}

// Bytes reads a whole stored blob, verifying its size and digest.
func (s *Store) Bytes(ctx context.Context, desc ocispec.Descriptor) ([]byte, error) {
	rc, err := s.Fetch(ctx, desc)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := content.ReadAll(rc, desc)
	if err != nil {
		return nil, fmt.Errorf("cache: blob %s is damaged (%v); remove it with nomia images rm", desc.Digest, err)
	}
	return b, nil
}

// Push stores r as the blob desc names. The content must match desc's size and
// digest exactly; otherwise nothing is stored and the error says
// content.ErrMismatchedDigest (or ErrTrailingData, or io.ErrUnexpectedEOF).
func (s *Store) Push(_ context.Context, desc ocispec.Descriptor, r io.Reader) error {
	p, err := s.blobPath(desc.Digest)
	if err != nil {
		return err
	}
	return s.writeAtomic(p, func(w io.Writer) error {
		vr := content.NewVerifyReader(r, desc)
		if _, err := io.Copy(w, vr); err != nil {
			return err
		}
		if err := vr.Verify(); err != nil {
			return fmt.Errorf("blob %s: %w", desc.Digest, err)
		}
		return nil
	})
}

// writeAtomic writes a temporary file in the store and renames it to path
// only when write succeeded and the data reached the disk.
func (s *Store) writeAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Join(s.dir, tmpDir), "part-*")
	if err != nil {
		return fmt.Errorf("cache %s: %v", s.dir, err)
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
