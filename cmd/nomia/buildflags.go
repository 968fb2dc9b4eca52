package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"nomia.dev/nomia/compile"
)

// buildFlags are the compiler settings shared by `build` and by `run` of a C source.
type buildFlags struct {
	includes   []string
	cflags     string
	clang      string
	btf        string
	eventTypes []string
	verbose    bool
}

func (b *buildFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&b.includes, "include", "I", nil, "add a header search directory (searched before the source's own)")
	fs.StringVar(&b.cflags, "cflags", "", "extra clang flags, space separated")
	fs.StringVar(&b.clang, "clang", "", "clang binary to use (default: clang, then clang-19 … clang-14)")
	fs.StringVar(&b.btf, "btf", "", "BTF file to generate vmlinux.h from (default /sys/kernel/btf/vmlinux)")
	fs.StringArrayVar(&b.eventTypes, "event-type", nil, "MAP=STRUCT: the struct an event map carries, when inference is ambiguous")
	fs.BoolVarP(&b.verbose, "verbose", "v", false, "show the compiler commands and how each event type was found")
}

func (b *buildFlags) options(source string) (compile.Options, error) {
	types := map[string]string{}
	for _, kv := range b.eventTypes {
		m, s, ok := strings.Cut(kv, "=")
		if !ok || m == "" || s == "" {
			return compile.Options{}, fmt.Errorf("--event-type %q: want MAP=STRUCT, e.g. --event-type events=event", kv)
		}
		types[m] = s
	}
	return compile.Options{
		Source:     source,
		Includes:   b.includes,
		CFlags:     strings.Fields(b.cflags),
		Clang:      b.clang,
		BTF:        b.btf,
		EventTypes: types,
		Log:        b.log(),
	}, nil
}

// log is where compile notes go: only with --verbose, since a build that works
// needs no commentary.
func (b *buildFlags) log() io.Writer {
	if b.verbose {
		return os.Stderr
	}
	return nil
}
