// Package source turns what a user names on the command line into a package:
// a package file, "-" for standard input, or a C source to build first. Later
// kinds (URLs, OCI references, WASM modules) plug in here so that the CLI and the
// server resolve names the same way.
package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile"
)

// Kind says what a SOURCE argument was taken for.
type Kind string

// The kinds of source resolved today.
const (
	Stdin   Kind = "stdin"
	File    Kind = "package file"
	CSource Kind = "C source"
)

// Options tell Resolve how to build C sources.
type Options struct {
	// Build is used for .c sources; its Source field is set by Resolve.
	Build compile.Options
}

// Classify says how Resolve will treat arg, without reading it. The rule is
// explicit so that users can predict it: "-" is standard input, a name ending in
// .c is a C source to build, anything else is a package file.
func Classify(arg string) Kind {
	switch {
	case arg == "-":
		return Stdin
	case strings.HasSuffix(arg, ".c"):
		return CSource
	default:
		return File
	}
}

// Resolve reads or builds the package arg names.
func Resolve(ctx context.Context, arg string, opts Options) (*bpfpkg.Package, error) {
	kind := Classify(arg)
	switch kind {
	case Stdin:
		return bpfpkg.ReadFile("-")
	case CSource:
		if _, err := os.Stat(arg); err != nil {
			return nil, missing(arg, kind, err)
		}
		b := opts.Build
		b.Source = arg
		return compile.Build(ctx, b)
	default:
		if _, err := os.Stat(arg); err != nil {
			return nil, missing(arg, kind, err)
		}
		return bpfpkg.ReadFile(arg)
	}
}

func missing(arg string, kind Kind, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("source %s: no such file (taken as a %s; SOURCE is a package.json, a .bpf.c source, or - for stdin)", arg, kind)
	}
	return fmt.Errorf("source %s: %v", arg, err)
}
