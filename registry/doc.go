// Package registry stores nomia packages and WASM modules in OCI registries
// and fetches them into the local cache, with oras-go.
//
// # Artifact format
//
// A package is one OCI image manifest (schema 2, OCI 1.1) whose artifactType is
// ArtifactType, whose config is the OCI empty descriptor, and whose single
// layer (MediaTypePackage) is the package.json exactly as built, byte for byte.
// The manifest's annotations describe the package so that `oras manifest fetch`
// or any registry UI shows it without downloading the layer (the words of
// kernel-features are KernelFeatures, derived by RequiredKernelFeatures):
//
//	org.opencontainers.image.title        the object's name (obj_name)
//	org.opencontainers.image.description  the package's @brief
//	org.opencontainers.image.version      the package's @version
//	dev.nomia.program-types               e.g. "tracepoint,xdp"
//	dev.nomia.kernel-features             what it needs from the kernel, e.g. "btf,global_data,ringbuf,tp_btf"
//
// A WASM module is pushed the way wasm-to-oci and eunomia's ecli push it
// (config MediaTypeWASMConfig, one MediaTypeWASM layer), and any manifest
// with a MediaTypeWASM layer, including ecli's, is pulled as WASM.
//
// Signatures are attached to the manifest's digest, never to a tag, by
// cosign's tag scheme (sha256-HEX.sig, see package sign): Client.Sign after
// Push, Client.Verify after Pull and before anything reads the layer.
// Nothing in the artifact format changes for them.
//
// # Signatures and the cache
//
// A signature that verified at the registry is kept in the cache (its
// manifest and payload blobs, tagged HOST/NAME:sha256-HEX.sig), so that
// --verify also works offline: PullNever verifies from the cache alone and
// PullMissing tries the cache before the registry. Only fetching is cached;
// the signature is checked against the key on every run, over blobs the
// cache checks against their digests.
//
// # Transport
//
// Credentials come from docker's config.json (credential helpers and
// credsStore included), which Login and Logout write. Plain HTTP is used only
// for loopback registries, or for any registry with Client.Insecure.
package registry
