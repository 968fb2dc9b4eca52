package compile

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/compile/eventtype"
	"nomia.dev/nomia/version"
)

// Options configures Build.
type Options struct {
	// Source is the path of the .bpf.c file.
	Source string
	// Includes are extra -I directories, searched before all others.
	Includes []string
	// CFlags are extra clang flags, placed after nomia's so they can override them.
	CFlags []string
	// Clang is the clang binary; "" finds one (clang, then clang-19 … clang-14).
	Clang string
	// BTF is the BTF file vmlinux.h is generated from; "" = DefaultBTF.
	BTF string
	// EventTypes maps an event map's name to its struct (--event-type); these win
	// over `// nomia:event-type` markers and inference.
	EventTypes map[string]string
	// Log receives progress notes; nil discards them.
	Log io.Writer
}

// Build compiles opts.Source into a package: the stripped object plus eunomia
// metadata (programs, maps, globals with docs, event types). Errors are one
// line, except clang's diagnostics, which follow the first line
// "compile: clang failed on FILE".
func Build(ctx context.Context, opts Options) (*bpfpkg.Package, error) {
	log := newLogf(opts.Log)
	if opts.Source == "" {
		return nil, fmt.Errorf("compile: no source file given: pass a .bpf.c file")
	}
	src, err := os.ReadFile(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("compile: cannot read %s (%v): check the path", opts.Source, oneLine(errText(err)))
	}
	tc, err := FindToolchain(ctx, opts.Clang, opts.Includes)
	if err != nil {
		return nil, err
	}
	header, err := VmlinuxHeader(ctx, tc.Bpftool, opts.BTF)
	if err != nil {
		return nil, err
	}
	log("vmlinux.h: %s", header)
	tmp, err := os.MkdirTemp("", "nomia-build-*")
	if err != nil {
		return nil, fmt.Errorf("compile: cannot create a temporary directory (%v)", oneLine(err.Error()))
	}
	defer os.RemoveAll(tmp)

	absSrc := absPath(opts.Source)
	b := &builder{tc: tc, opts: &opts, log: log, tmp: tmp, absSrc: absSrc, vmlinuxDir: filepath.Dir(header)}
	obj, err := b.compile(ctx, absSrc, "first.o")
	if err != nil {
		return nil, err
	}
	// Inference reads DWARF, so it runs on the unstripped object.
	results, err := eventtype.Infer(obj, eventOverrides(src, opts.EventTypes))
	if err != nil {
		return nil, &sourceError{source: opts.Source, err: err}
	}
	if obj, err = b.keepEventTypes(ctx, obj, results); err != nil {
		return nil, err
	}
	shipped, err := tc.strip(ctx, obj, tmp, log)
	if err != nil {
		return nil, err
	}
	pkg, err := describe(shipped, opts.Source, sourceDocs(opts.Source, src, opts.Includes), results, log)
	if err != nil {
		return nil, err
	}
	if err := checkRoundTrip(pkg); err != nil {
		return nil, err
	}
	return pkg, nil
}

// builder holds what both compilations of one Build share.
type builder struct {
	tc         *Toolchain
	opts       *Options
	log        logf
	tmp        string
	absSrc     string
	vmlinuxDir string
}

func (b *builder) compile(ctx context.Context, file, out string) ([]byte, error) {
	out = filepath.Join(b.tmp, out)
	args := b.tc.clangArgs(file, out, filepath.Dir(b.absSrc), b.vmlinuxDir, b.opts)
	return b.tc.runClang(ctx, args, out, b.opts.Source, b.log)
}

// keepEventTypes recompiles through a wrapper when an event struct is missing
// from BTF, and checks that the wrapper added the types and nothing else.
func (b *builder) keepEventTypes(ctx context.Context, obj []byte, results []eventtype.Result) ([]byte, error) {
	first, err := readObject(obj, b.opts.Source)
	if err != nil {
		return nil, err
	}
	missing := missingEventTypes(first.spec.Types, results)
	if len(missing) == 0 {
		return obj, nil
	}
	b.log("event types not in BTF (only locals use them): compiling again with %s* globals", bpfpkg.DummyPrefix)
	wrapper := filepath.Join(b.tmp, "nomia_wrapper.bpf.c")
	text, err := wrapperSource(b.absSrc, missing)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(wrapper, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("compile: cannot write %s (%v)", wrapper, oneLine(err.Error()))
	}
	second, err := b.compile(ctx, wrapper, "second.o")
	if err != nil {
		return nil, err
	}
	info, err := readObject(second, b.opts.Source)
	if err != nil {
		return nil, err
	}
	if still := missingEventTypes(info.spec.Types, missing); len(still) > 0 {
		r := still[0]
		return nil, fmt.Errorf("compile: %s: event type %s of map %s stays out of BTF: declare a global of that type, e.g. `%s *keep_%s;`", b.opts.Source, r.Struct, r.Map, r.Struct, r.Map)
	}
	if err := sameProgramsAndMaps(first.spec, info.spec); err != nil {
		return nil, fmt.Errorf("compile: %s: keeping event types in BTF changed the object (%v): declare a global of each event type in the source", b.opts.Source, err)
	}
	return second, nil
}

// describe writes the metadata of the shipped object.
func describe(obj []byte, source string, docs map[string][]string, results []eventtype.Result, log logf) (*bpfpkg.Package, error) {
	info, err := readObject(obj, source)
	if err != nil {
		return nil, err
	}
	name := objName(source)
	meta := bpfpkg.Meta{
		Skel: bpfpkg.Skel{
			ObjName:      name,
			Doc:          licenseDoc(docs["LICENSE"]),
			DataSections: info.dataSections(docs),
			Maps:         info.maps(name),
			Progs:        info.progs(),
		},
		Nomia: &bpfpkg.NomiaMeta{Version: version.Version, Source: filepath.Base(source)},
	}
	if err := addSamples(source, meta.Skel.Maps, docs); err != nil {
		return nil, err
	}
	if err := exportTypes(&meta, info.spec.Types, results, log); err != nil {
		return nil, err
	}
	return &bpfpkg.Package{Object: obj, Meta: meta}, nil
}

// objName is eunomia's object name: the file's base name without .bpf.c, plus "_bpf".
func objName(source string) string {
	base := filepath.Base(source)
	for _, ext := range []string{".bpf.c", ".c"} {
		if s, ok := strings.CutSuffix(base, ext); ok {
			base = s
			break
		}
	}
	return base + "_bpf"
}

// checkRoundTrip proves the package reads back as the runner will read it.
func checkRoundTrip(pkg *bpfpkg.Package) error {
	data, err := pkg.Marshal()
	if err != nil {
		return fmt.Errorf("compile: cannot encode the package (%v)", oneLine(err.Error()))
	}
	back, err := bpfpkg.Parse(data)
	if err != nil {
		return fmt.Errorf("compile: the package does not read back (%v): this is a nomia bug", oneLine(err.Error()))
	}
	if _, err := back.Spec(); err != nil {
		return fmt.Errorf("compile: the package's object does not load as a collection spec (%v): this is a nomia bug", oneLine(err.Error()))
	}
	return nil
}

func newLogf(w io.Writer) logf {
	if w == nil {
		return func(string, ...any) {}
	}
	return func(format string, args ...any) {
		fmt.Fprintf(w, "nomia build: "+format+"\n", args...)
	}
}

// errText drops the "open FILE: " that *os.PathError repeats.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// sourceError names the source in front of an error from a stage that does not
// know the file (event inference), and keeps the cause for errors.As (the CLI
// can recognise *eventtype.AmbiguousError).
type sourceError struct {
	source string
	err    error
}

func (e *sourceError) Error() string {
	return fmt.Sprintf("compile: %s: %s", e.source, oneLine(e.err.Error()))
}

func (e *sourceError) Unwrap() error { return e.err }
