package registry

import (
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"
)

// KernelFeature is one word of the dev.nomia.kernel-features annotation:
// something a package needs from the kernel that runs it, beyond eBPF with
// hash and array maps and socket filters, which every eBPF kernel has.
type KernelFeature struct {
	// Name is the word as the annotation spells it: lower case, words joined
	// by underscores as in the kernel's own names (tp_btf, ringbuf).
	Name string
	// Since is the first mainline kernel that has it.
	Since string
	// Needs names what else the kernel or the system must provide, "" when
	// the version is enough.
	Needs string
}

// KernelFeatures is the annotation's vocabulary, by name. The words are
// stable: a later nomia may add words, never rename or drop one. Program and
// map types missing here appear under their cilium/ebpf names in lower case
// (e.g. "sklookup"), so that nothing a package needs goes unnamed.
var KernelFeatures = []KernelFeature{
	{"array_of_maps", "4.12", ""},
	{"bloom_filter", "5.16", ""},
	{"btf", "5.4", "kernel BTF at /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF): CO-RE relocations, tp_btf, iter, kfunc and trampolines resolve against it"},
	{"cgroup", "4.10", "a cgroup v2 hierarchy to attach to"},
	{"cgrp_storage", "6.2", ""},
	{"cpumap", "4.15", ""},
	{"devmap", "4.14", ""},
	{"global_data", "5.2", "global variables and string constants (.data, .rodata, .bss) as array maps"},
	{"hash_of_maps", "4.12", ""},
	{"iter", "5.8", "btf"},
	{"kconfig", "5.2", "the kernel's config readable (/proc/config.gz or /boot/config-$(uname -r)) for CONFIG_ __kconfig externs"},
	{"kfunc", "5.13", "btf; kfunc calls (__ksym functions) resolve against it, each kfunc from its own kernel version"},
	{"kprobe", "4.1", "CONFIG_KPROBE_EVENTS (kprobe_events in tracefs)"},
	{"kprobe_multi", "5.18", "CONFIG_FPROBE"},
	{"ksym", "3.18", "kernel addresses readable in /proc/kallsyms (root, or kernel.kptr_restrict=0) for __ksym variables"},
	{"lpm_trie", "4.11", ""},
	{"lru_hash", "4.10", ""},
	{"lru_percpu_hash", "4.10", ""},
	{"lsm", "5.7", "CONFIG_BPF_LSM and bpf in the lsm= boot parameter, plus trampoline"},
	{"netkit", "6.7", "a netkit device"},
	{"percpu_array", "4.6", ""},
	{"percpu_hash", "4.6", ""},
	{"perf_event", "4.9", "perf events the kernel allows (kernel.perf_event_paranoid, a PMU or software clock)"},
	{"perf_event_array", "4.3", ""},
	{"prog_array", "4.2", ""},
	{"queue", "4.20", ""},
	{"raw_tp", "4.17", ""},
	{"ringbuf", "5.8", ""},
	{"sleepable", "5.10", "sleepable programs (.s sections)"},
	{"sockhash", "4.18", ""},
	{"sockmap", "4.14", ""},
	{"stack", "4.20", ""},
	{"stack_trace", "4.6", ""},
	{"struct_ops", "5.6", "btf"},
	{"task_storage", "5.11", ""},
	{"tc", "4.5", "a clsact qdisc on the device"},
	{"tcx", "6.6", ""},
	{"tp_btf", "5.5", "btf"},
	{"tracepoint", "4.7", "tracefs (nomia run mounts it when missing)"},
	{"trampoline", "5.5", "btf, and BPF trampolines in the JIT (fentry, fexit, fmod_ret, freplace): x86-64 from 5.5, arm64 from 6.0"},
	{"uprobe", "4.3", "CONFIG_UPROBE_EVENTS"},
	{"uprobe_multi", "6.6", ""},
	{"user_ringbuf", "6.1", ""},
	{"xdp", "4.8", ""},
	{"xskmap", "4.18", ""},
}

// mapFeatures names map types by the kernel's BPF_MAP_TYPE_ names. Hash and
// array maps are absent: every eBPF kernel has them.
var mapFeatures = map[ebpf.MapType]string{
	ebpf.ArrayOfMaps: "array_of_maps", ebpf.BloomFilter: "bloom_filter",
	ebpf.CgroupStorage: "cgrp_storage", ebpf.CPUMap: "cpumap",
	ebpf.DevMap: "devmap", ebpf.HashOfMaps: "hash_of_maps",
	ebpf.LPMTrie: "lpm_trie", ebpf.LRUHash: "lru_hash",
	ebpf.LRUCPUHash: "lru_percpu_hash", ebpf.PerCPUArray: "percpu_array",
	ebpf.PerCPUHash: "percpu_hash", ebpf.PerfEventArray: "perf_event_array",
	ebpf.ProgramArray: "prog_array", ebpf.Queue: "queue",
	ebpf.RingBuf: "ringbuf", ebpf.SockHash: "sockhash",
	ebpf.SockMap: "sockmap", ebpf.Stack: "stack",
	ebpf.StackTrace: "stack_trace", ebpf.StructOpsMap: "struct_ops",
	ebpf.TaskStorage: "task_storage", ebpf.UserRingbuf: "user_ringbuf",
	ebpf.XSKMap: "xskmap",
}

// RequiredKernelFeatures derives from a collection what it needs from the
// kernel, as words of KernelFeatures, sorted and without repeats: how its
// programs attach, the map types it creates, and what loading it takes (CO-RE
// relocations and kfuncs need kernel BTF, other externs the kernel's config or
// symbols, global variables array maps with BPF_F_RDONLY_PROG).
func RequiredKernelFeatures(spec *ebpf.CollectionSpec) []string {
	set := map[string]bool{}
	add := func(words ...string) {
		for _, w := range words {
			set[w] = true
		}
	}
	for _, p := range spec.Programs {
		add(programFeatures(p)...)
		if p.Flags&unix.BPF_F_SLEEPABLE != 0 {
			add("sleepable")
		}
		if hasCORE(p) {
			add("btf")
		}
	}
	for name, m := range spec.Maps {
		switch {
		case isGlobalData(name):
			add("global_data")
		case m.Type == ebpf.Hash || m.Type == ebpf.Array:
		default:
			add(mapFeature(m.Type))
		}
	}
	add(externFeatures(spec)...)
	return keys(set)
}

// externFeatures names what the loader needs to fill an object's externs.
// They live in BTF sections of their own, which become a read-only map
// (.kconfig) or kernel addresses (.ksyms) only at load: kfuncs resolve
// against the kernel's BTF, __ksym variables against /proc/kallsyms,
// CONFIG_ values against the kernel's config, while LINUX_KERNEL_VERSION and
// LINUX_HAS_SYSCALL_WRAPPER the loader finds out itself.
func externFeatures(spec *ebpf.CollectionSpec) []string {
	var words []string
	if kconfig := datasec(spec, ".kconfig"); kconfig != nil {
		words = append(words, "global_data")
		for _, v := range kconfig.Vars {
			if !strings.HasPrefix(v.Type.TypeName(), "LINUX_") {
				words = append(words, "kconfig")
			}
		}
	}
	if ksyms := datasec(spec, ".ksyms"); ksyms != nil {
		for _, v := range ksyms.Vars {
			if _, isFunc := v.Type.(*btf.Func); isFunc {
				words = append(words, "kfunc", "btf")
			} else {
				words = append(words, "ksym")
			}
		}
	}
	return words
}

// datasec is the object's BTF section called name, nil when it has none.
func datasec(spec *ebpf.CollectionSpec, name string) *btf.Datasec {
	var ds *btf.Datasec
	if spec.Types == nil || spec.Types.TypeByName(name, &ds) != nil {
		return nil
	}
	return ds
}

// programFeatures names how a program attaches and what that needs.
func programFeatures(p *ebpf.ProgramSpec) []string {
	switch p.Type {
	case ebpf.SocketFilter:
		return nil
	case ebpf.TracePoint:
		return []string{"tracepoint"}
	case ebpf.RawTracepoint, ebpf.RawTracepointWritable:
		return []string{"raw_tp"}
	case ebpf.Tracing:
		switch p.AttachType {
		case ebpf.AttachTraceRawTp:
			return []string{"tp_btf", "btf"}
		case ebpf.AttachTraceIter:
			return []string{"iter", "btf"}
		}
		return []string{"trampoline", "btf"}
	case ebpf.Extension:
		return []string{"trampoline", "btf"}
	case ebpf.LSM:
		if p.AttachType == ebpf.AttachLSMCgroup {
			return []string{"lsm", "trampoline", "btf", "cgroup"}
		}
		return []string{"lsm", "trampoline", "btf"}
	case ebpf.Kprobe:
		return []string{probeFeature(p)}
	case ebpf.PerfEvent:
		return []string{"perf_event"}
	case ebpf.XDP:
		return []string{"xdp"}
	case ebpf.SchedCLS, ebpf.SchedACT:
		switch p.AttachType {
		case ebpf.AttachTCXIngress, ebpf.AttachTCXEgress:
			return []string{"tcx"}
		case ebpf.AttachNetkitPrimary, ebpf.AttachNetkitPeer:
			return []string{"netkit"}
		}
		return []string{"tc"}
	case ebpf.CGroupSKB, ebpf.CGroupSock, ebpf.CGroupSockAddr, ebpf.CGroupSockopt, ebpf.CGroupDevice, ebpf.CGroupSysctl:
		return []string{"cgroup"}
	case ebpf.StructOps:
		return []string{"struct_ops", "btf"}
	}
	return []string{strings.ToLower(p.Type.String())}
}

// probeFeature tells kernel probes from user ones: both are BPF_PROG_TYPE_KPROBE,
// only the section (or the multi attach type) says which.
func probeFeature(p *ebpf.ProgramSpec) string {
	switch p.AttachType {
	case ebpf.AttachTraceKprobeMulti:
		return "kprobe_multi"
	case ebpf.AttachTraceUprobeMulti:
		return "uprobe_multi"
	}
	for _, prefix := range []string{"uprobe", "uretprobe", "usdt"} {
		if strings.HasPrefix(p.SectionName, prefix) {
			return "uprobe"
		}
	}
	return "kprobe"
}

// hasCORE says whether any instruction carries a CO-RE relocation, which
// the loader resolves against the kernel's BTF.
func hasCORE(p *ebpf.ProgramSpec) bool {
	return slices.ContainsFunc(p.Instructions, func(ins asm.Instruction) bool {
		return btf.CORERelocationMetadata(&ins) != nil
	})
}

// isGlobalData matches the sections cilium/ebpf and libbpf turn into global
// data maps.
func isGlobalData(name string) bool {
	return name == ".bss" || strings.HasPrefix(name, ".data") || strings.HasPrefix(name, ".rodata")
}

func mapFeature(t ebpf.MapType) string {
	if name, ok := mapFeatures[t]; ok {
		return name
	}
	return strings.ToLower(t.String())
}
