// Package attach turns one loaded eBPF program into one attachment, choosing the
// hook from the program's ELF section name the way libbpf does (SEC("tp/…"),
// SEC("uprobe//bin/bash:readline"), SEC("xdp") …).
//
// Values that a section name cannot carry (network interface, cgroup, process,
// binary, sampling frequency) come from a Target filled from the command line.
//
// Errors are one line naming the program, its section and the reason, and they
// translate the kernel's refusals into what the user can do about them: a kernel
// without kprobe_events, a kernel that refuses BPF trampolines, a tracepoint program
// that reads past its record, an unmounted tracefs.
package attach
