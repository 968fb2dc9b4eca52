// Package source turns what a user names on the command line into something
// to run: a package file, "-" for standard input, a C source to build first, a
// WASM module, an http(s) URL, or an OCI reference. The CLI and the server
// resolve names through it, so both read SOURCE the same way.
//
// The rule is explicit so that users can predict it:
//
//   - standard input
//     http://… or https://…    a URL, fetched (and cached)
//     an existing path         a file: .c is built, else a package or WASM module
//     HOST[:PORT]/NAME[:TAG]   an OCI reference, pulled through the cache
//     HOST/NAME@sha256:…       the same, pinned by digest
//
// A name that is none of these is an error that says which kinds were tried.
// Files and downloads are told apart as package or WASM by content (the WASM
// magic number "\0asm"), not by name.
package source

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/registry"
)

// Kind says what a SOURCE argument was taken for.
type Kind string

// The kinds of source.
const (
	Stdin   Kind = "stdin"
	File    Kind = "package file"
	CSource Kind = "C source"
	URL     Kind = "URL"
	OCI     Kind = "OCI reference"
)

// Options tell Resolve how to build C sources and where to fetch from.
type Options struct {
	// Build is used for .c sources; its Source field is set by Resolve.
	Build compile.Options
	// Pull says when URLs and OCI references are fetched rather than taken
	// from the cache; the zero value fetches only what the cache lacks.
	Pull registry.PullPolicy
	// CacheDir is the cache of pulled packages; "" is cache.DefaultDir.
	CacheDir string
	// Insecure allows plain HTTP to registries that are not on loopback.
	Insecure bool
	// Progress, when set, shows progress bars for large downloads.
	Progress io.Writer
	// Registry, when set, is the registry client to use (tests set their
	// own credentials here); otherwise one is made from Insecure and Progress.
	Registry *registry.Client
	// HTTP fetches URL sources; nil means http.DefaultClient.
	HTTP *http.Client
	// URLTimeout bounds a URL download; 0 means DefaultURLTimeout.
	URLTimeout time.Duration
	// MaxSize bounds a URL download; 0 means DefaultMaxSize.
	MaxSize int64
	// Verify, when set, is the public key an OCI artifact must be signed
	// with (cosign's format, see package sign): its manifest digest is
	// verified before its content is read, from the registry or, as Pull
	// allows, from signatures cached by an earlier verification. Sources
	// that are not OCI references are refused, since nothing signs them.
	Verify crypto.PublicKey
}

// Defaults for URL sources.
const (
	DefaultURLTimeout = 60 * time.Second
	DefaultMaxSize    = 64 << 20
)

// Resolved is what a SOURCE turned out to be: a package, or a WASM module for
// the WASM runtime. Exactly one of Package and WASM is set.
type Resolved struct {
	// Kind is how the argument was read.
	Kind Kind
	// Package is the package to run, unless the source is a WASM module.
	Package *bpfpkg.Package
	// WASM is a WASM module's bytes.
	WASM []byte
	// Raw is the package or module exactly as read, byte for byte (for a C
	// source, the package built from it).
	Raw []byte
	// Digest is "sha256:HEX" of the package or module bytes as read (for a
	// C source, of the package built from it).
	Digest string
	// Ref names the exact thing run: the path, the URL, or for an OCI
	// reference HOST/NAME@sha256:… of its manifest.
	Ref string
	// Annotations are an OCI manifest's annotations (title, description, …).
	Annotations map[string]string
}

// IsWASM says whether the source is a WASM module.
func (r *Resolved) IsWASM() bool { return r.WASM != nil }

// Classify says how Resolve will treat arg. It looks at the file system (an
// existing path is always a file) but reads nothing.
func Classify(arg string) Kind {
	switch {
	case arg == "-":
		return Stdin
	case strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://"):
		return URL
	}
	if _, err := os.Stat(arg); err != nil {
		if _, rerr := registry.ParseReference(arg); rerr == nil {
			return OCI
		}
	}
	if strings.HasSuffix(arg, ".c") {
		return CSource
	}
	return File
}

// Resolve reads, builds or fetches what arg names.
func Resolve(ctx context.Context, arg string, opts Options) (*Resolved, error) {
	kind := Classify(arg)
	if opts.Verify != nil && kind != OCI {
		return nil, fmt.Errorf("source %s: taken as a %s, which carries no signature to verify: signatures apply to OCI references HOST/NAME[:TAG|@sha256:…] (push it with nomia push --sign KEY)", arg, kind)
	}
	switch kind {
	case Stdin:
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return nil, fmt.Errorf("source -: cannot read standard input: %v", err)
		}
		return fromBytes(kind, "-", data)
	case URL:
		return fetchURL(ctx, arg, opts)
	case OCI:
		return pullOCI(ctx, arg, opts)
	}
	if _, err := os.Stat(arg); err != nil {
		return nil, missing(arg, kind, err)
	}
	if kind == CSource {
		b := opts.Build
		b.Source = arg
		pkg, err := compile.Build(ctx, b)
		if err != nil {
			return nil, err
		}
		data, err := pkg.Marshal()
		if err != nil {
			return nil, err
		}
		return &Resolved{Kind: kind, Package: pkg, Raw: data, Digest: digestOf(data), Ref: arg}, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("source %s: %v", arg, unwrapPath(err))
	}
	return fromBytes(kind, arg, data)
}

// fromBytes takes data as a WASM module or a package, by its content.
func fromBytes(kind Kind, name string, data []byte) (*Resolved, error) {
	r := &Resolved{Kind: kind, Raw: data, Digest: digestOf(data), Ref: name}
	if registry.IsWASM(data) {
		r.WASM = data
		return r, nil
	}
	pkg, err := bpfpkg.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.Package = pkg
	return r, nil
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

const sourceKinds = "SOURCE is a package.json, a .wasm module, a .bpf.c source, - for stdin, an http(s) URL, or an OCI reference HOST/NAME[:TAG]"

func missing(arg string, kind Kind, err error) error {
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("source %s: %v", arg, unwrapPath(err))
	}
	why := "no registry host"
	if _, rerr := registry.ParseReference(arg); rerr != nil && !strings.Contains(rerr.Error(), why) {
		why = strings.TrimPrefix(rerr.Error(), fmt.Sprintf("%q is not an OCI reference: ", arg))
	}
	return fmt.Errorf("source %s: no such file (tried: %s; OCI reference: %s; %s)", arg, kind, why, sourceKinds)
}
