// Package bpfpkg reads and writes nomia packages: one JSON document that carries a
// compiled eBPF object and the metadata needed to run it without its source.
//
// The envelope is eunomia-bpf's package.json, so packages travel both ways:
//
//	{"bpf_object": base64(zlib(ELF)), "bpf_object_size": len(ELF), "meta": {...}}
//
// Meta mirrors eunomia's fields (bpf_skel, export_types, …). Fields nomia adds live
// under the "nomia" key, which eunomia ignores. Arrays that real-world files write as
// null are read as empty, and every malformed input is an error, never a panic.
package bpfpkg
