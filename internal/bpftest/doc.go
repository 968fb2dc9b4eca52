// Package bpftest holds test helpers shared by the packages whose tests build
// and load BPF C: compiling a .bpf.c file against a vmlinux.h generated from the
// running kernel's BTF, running a test binary in a private mount namespace, and
// checking that a test leaves no program or link loaded. It is for tests only.
package bpftest
