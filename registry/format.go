package registry

import (
	"bytes"
	"sort"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"nomia.dev/nomia/bpfpkg"
)

// Media types of nomia artifacts.
const (
	// ArtifactType marks a manifest as a nomia package.
	ArtifactType = "application/vnd.nomia.package.v1"
	// MediaTypePackage is the layer holding a package.json.
	MediaTypePackage = "application/vnd.nomia.package.layer.v1+json"
	// MediaTypeWASM is the layer holding a WASM module, as wasm-to-oci and
	// eunomia's ecli write it.
	MediaTypeWASM = "application/vnd.wasm.content.layer.v1+wasm"
	// MediaTypeWASMConfig is the config of a WASM module's manifest.
	MediaTypeWASMConfig = "application/vnd.wasm.config.v1+json"
)

// Annotation keys nomia adds to a package's manifest (besides the standard
// org.opencontainers.image ones).
const (
	AnnotationProgramTypes   = "dev.nomia.program-types"
	AnnotationKernelFeatures = "dev.nomia.kernel-features"
)

// wasmMagic starts every WASM binary module.
var wasmMagic = []byte("\x00asm")

// IsWASM says whether data is a WASM binary module, by its magic number.
func IsWASM(data []byte) bool { return bytes.HasPrefix(data, wasmMagic) }

// Annotations describes a package for its manifest: the values a user reads
// before deciding to pull it. Fields the package lacks are left out.
func Annotations(pkg *bpfpkg.Package) map[string]string {
	a := map[string]string{}
	skel := pkg.Meta.Skel
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			a[k] = v
		}
	}
	set(ocispec.AnnotationTitle, skel.ObjName)
	if d := skel.Doc; d != nil {
		set(ocispec.AnnotationDescription, firstNonEmpty(d.Brief, d.Description))
		set(ocispec.AnnotationVersion, d.Version)
	}
	types, features := requirements(pkg)
	set(AnnotationProgramTypes, strings.Join(types, ","))
	set(AnnotationKernelFeatures, strings.Join(features, ","))
	return a
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// requirements lists the program types a package loads and what it needs
// from the kernel (RequiredKernelFeatures), each sorted and without repeats.
// A package whose object cannot be read yields whatever the metadata says.
func requirements(pkg *bpfpkg.Package) (types, features []string) {
	ts := map[string]bool{}
	spec, err := pkg.Spec()
	if err != nil {
		for _, p := range pkg.Meta.Skel.Progs {
			ts[strings.SplitN(p.Attach, "/", 2)[0]] = true
		}
		return keys(ts), nil
	}
	for _, p := range spec.Programs {
		ts[strings.ToLower(p.Type.String())] = true
	}
	return keys(ts), RequiredKernelFeatures(spec)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
