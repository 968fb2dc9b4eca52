// Package load loads a collection spec into the kernel and attaches every
// program, keeping one flavour of each hook that the object carries in several.
//
// libbpf-tools ship twins: fentry/X next to kprobe/X, fexit/X next to
// kretprobe/X, tp_btf/X next to raw_tp/X, and choose one in C at run time.
// Start chooses the same way, by what this kernel accepts: it loads the
// preferred flavour (fentry > kprobe, fexit > kretprobe, tp_btf > raw_tp >
// tracepoint), falls back to the next when the kernel refuses it at load or at
// attach, closes the flavours it does not need, and writes one note per skipped
// program. A program whose tracepoint or kernel function this kernel lacks is
// skipped with a note, as libbpf-tools' own loaders skip it, while another
// program remains to attach. Either everything else is attached or nothing
// stays loaded.
package load
