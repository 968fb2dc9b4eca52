// Package compile turns a kernel-only eBPF C source (.bpf.c) into a nomia package.
//
// Build drives clang with libbpf's headers and a vmlinux.h generated from the
// kernel's BTF, then reads the object back to describe it in eunomia-bpf's
// metadata: programs with their attach sections, maps, global variables with the
// doc comments written above them, and the event struct each ring-buffer or
// perf-buffer map carries (inferred by package compile/eventtype). The shipped
// object has its DWARF stripped; its BTF stays, and export_types point into it.
package compile
