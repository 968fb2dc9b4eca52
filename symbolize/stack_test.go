package symbolize

import (
	"slices"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"nomia.dev/nomia/internal/bpftest"
)

// The slots of stack.bpf.c's ids map.
const (
	slotUprobeUser = iota
	slotSyscallKernel
	slotSyscallUser
)

// TestStackTraces takes real stacks with bpf_get_stackid, a user stack from a
// uprobe inside inner() and a kernel and a user stack from the getppid
// syscall inner() makes, and names them.
func TestStackTraces(t *testing.T) {
	bt := buildTarget(t, build{pie: true})
	tg := start(t, bt.exe, bt.libDir)
	spec := bpftest.Compile(t, "testdata/stack.bpf.c")
	for name, v := range map[string]any{"target_tgid": uint32(tg.pid), "getppid_nr": int64(unix.SYS_GETPPID)} {
		if err := spec.Variables[name].Set(v); err != nil {
			t.Fatalf("set %s: %v", name, err)
		}
	}
	bpftest.NoLeaks(t, "on_inner", "on_sys_enter")
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("load stack.bpf.c: %v", err)
	}
	defer coll.Close()
	for slot := range uint32(3) {
		if err := coll.Maps["ids"].Put(slot, int64(-1)); err != nil {
			t.Fatal(err)
		}
	}

	exe, err := link.OpenExecutable(bt.exe)
	if err != nil {
		t.Fatal(err)
	}
	// Probe past inner's prologue (at the inner_probe label) so that its
	// frame pointer is set up and the kernel's walk reaches outer and main.
	probeAt := symbolValue(t, bt.exe, "inner_probe") - symbolValue(t, bt.exe, "inner")
	up, err := exe.Uprobe("inner", coll.Programs["on_inner"], &link.UprobeOptions{Offset: probeAt, PID: tg.pid})
	if err != nil {
		t.Fatalf("attach uprobe to inner: %v", err)
	}
	defer up.Close()
	tp, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: "sys_enter", Program: coll.Programs["on_sys_enter"]})
	if err != nil {
		t.Fatalf("attach raw_tp/sys_enter: %v", err)
	}
	defer tp.Close()

	tg.call(t)
	tab := New()
	user := tab.Names(tg.pid, false, stack(t, coll, slotUprobeUser))
	if len(user) < 3 || !slices.Equal(user[:3], []string{"inner", "outer", "main"}) {
		t.Errorf("uprobe user stack %q, want inner, outer, main first", user)
	}
	if folded, want := Fold(user[:min(3, len(user))]), "main;outer;inner"; folded != want {
		t.Errorf("Fold: %q, want %q", folded, want)
	}

	kernel := tab.Names(0, true, stack(t, coll, slotSyscallKernel))
	t.Logf("kernel stack of getppid: %s", Fold(kernel))
	if !slices.Contains(kernel, "do_syscall_64") || slices.Contains(kernel, Unknown) {
		t.Errorf("syscall kernel stack %q, want do_syscall_64 and every frame named", kernel)
	}
	// libc's syscall() sets up no frame, so the kernel's walk goes from it
	// straight to inner's caller.
	user = tab.Names(tg.pid, false, stack(t, coll, slotSyscallUser))
	if len(user) < 3 || !slices.Equal(user[:3], []string{"syscall", "outer", "main"}) {
		t.Errorf("syscall user stack %q, want syscall, outer, main first", user)
	}
}

// stack reads the stack whose id the BPF programs saved in slot, without
// the zeros that pad it to the map's depth.
func stack(t *testing.T, coll *ebpf.Collection, slot uint32) []uint64 {
	t.Helper()
	var id int64
	if err := coll.Maps["ids"].Lookup(slot, &id); err != nil {
		t.Fatal(err)
	}
	if id < 0 {
		t.Fatalf("stack %d: bpf_get_stackid gave %d", slot, id)
	}
	addrs := make([]uint64, 127)
	if err := coll.Maps["stacks"].Lookup(uint32(id), &addrs); err != nil {
		t.Fatalf("look up stack %d: %v", id, err)
	}
	end := slices.Index(addrs, 0)
	if end < 0 {
		end = len(addrs)
	}
	return addrs[:end]
}
