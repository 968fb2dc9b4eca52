package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
)

// Entry is one reference the store knows: what a user pulled, and what it
// resolved to then.
type Entry struct {
	// Ref is the reference as pulled: an OCI reference or a URL.
	Ref string `json:"ref"`
	// Descriptor is the manifest (or, for a URL, the package) Ref resolved to.
	Descriptor ocispec.Descriptor `json:"descriptor"`
	// Stored is when Ref was last resolved.
	Stored time.Time `json:"stored"`
}

// refPath names a reference's file by a hash of the reference, since
// references hold characters ("/", ":", "@") that are not file names.
func (s *Store) refPath(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return filepath.Join(s.dir, refDir, hex.EncodeToString(sum[:])+".json")
}

// Tag records that ref resolves to desc, replacing what it resolved to before.
// desc itself must be stored already, so a reference never points at nothing.
func (s *Store) Tag(ctx context.Context, desc ocispec.Descriptor, ref string) error {
	if ref == "" {
		return errors.New("cache: empty reference")
	}
	ok, err := s.Exists(ctx, desc)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("cache: tag %s: blob %s: %w", ref, desc.Digest, errdef.ErrNotFound)
	}
	b, err := json.Marshal(Entry{Ref: ref, Descriptor: desc, Stored: time.Now().UTC()})
	if err != nil {
		return err
	}
	return s.writeAtomic(s.refPath(ref), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Resolve returns what ref was last tagged with. A miss wraps errdef.ErrNotFound.
func (s *Store) Resolve(_ context.Context, ref string) (ocispec.Descriptor, error) {
	e, err := s.entry(s.refPath(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return ocispec.Descriptor{}, fmt.Errorf("cache: %s: %w", ref, errdef.ErrNotFound)
	}
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return e.Descriptor, nil
}

func (s *Store) entry(path string) (Entry, error) {
	var e Entry
	b, err := os.ReadFile(path)
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("cache: %s: %v", path, err)
	}
	return e, nil
}

// Entries lists every stored reference, sorted by reference.
func (s *Store) Entries() ([]Entry, error) {
	files, err := filepath.Glob(filepath.Join(s.dir, refDir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, f := range files {
		e, err := s.entry(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed while we listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}

// Remove forgets ref and deletes the blobs no remaining reference needs. It
// returns the number of bytes freed.
func (s *Store) Remove(ctx context.Context, ref string) (int64, error) {
	err := os.Remove(s.refPath(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("cache: %s is not cached (see: nomia images)", ref)
	}
	if err != nil {
		return 0, err
	}
	return s.Prune(ctx)
}

// staleTemp is the age after which a temporary file is taken for the remains
// of an interrupted write rather than a write in progress.
const staleTemp = time.Hour

// Prune deletes every blob that no reference reaches, directly or through a
// manifest, and stale temporary files. It returns the bytes freed. A pull
// running at the same time may lose a blob it stored but has not tagged yet;
// its Tag then fails (Tag checks the blob), so no reference ever dangles.
func (s *Store) Prune(ctx context.Context) (int64, error) {
	keep, err := s.reachable(ctx)
	if err != nil {
		return 0, err
	}
	var freed int64
	for _, sub := range []string{blobDir, tmpDir} {
		files, err := os.ReadDir(filepath.Join(s.dir, sub))
		if err != nil {
			return freed, err
		}
		for _, f := range files {
			if sub == blobDir && keep[f.Name()] {
				continue
			}
			info, err := f.Info()
			if err != nil {
				continue // gone already
			}
			if sub == tmpDir && time.Since(info.ModTime()) < staleTemp {
				continue // another process may still be writing it
			}
			freed += info.Size()
			if err := os.Remove(filepath.Join(s.dir, sub, f.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return freed, err
			}
		}
	}
	return freed, nil
}

// reachable walks from every reference through manifests and indexes and
// returns the hex digests met on the way.
func (s *Store) reachable(ctx context.Context) (map[string]bool, error) {
	entries, err := s.Entries()
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	var todo []ocispec.Descriptor
	for _, e := range entries {
		todo = append(todo, e.Descriptor)
	}
	for len(todo) > 0 {
		d := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if keep[d.Digest.Encoded()] {
			continue
		}
		keep[d.Digest.Encoded()] = true
		if !strings.Contains(d.MediaType, "manifest") && !strings.Contains(d.MediaType, "index") {
			continue
		}
		next, err := content.Successors(ctx, s, d)
		if err != nil {
			continue // a damaged manifest keeps only itself
		}
		todo = append(todo, next...)
	}
	return keep, nil
}
