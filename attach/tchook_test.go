package attach

import (
	"fmt"
	"testing"

	"github.com/cilium/ebpf"

	"nomia.dev/nomia/bpfpkg"
)

// A SEC("tc") program from an eunomia package attaches in the direction its
// tchook names: 3 packets leave vA and 5 arrive, and each program counts only
// those of its direction.
func TestTCHookDirection(t *testing.T) {
	port := freePort(t)
	nsA, nsB := vethPair(t)
	want := map[string]uint64{"BPF_TC_EGRESS": 3, "BPF_TC_INGRESS": 5}
	colls := map[string]*ebpf.Collection{}
	for point := range want {
		c, p, ps := loadOne(t, "net.bpf.c", "nt_tc", map[string]any{"nt_port": uint16(port)})
		meta := bpfpkg.Meta{Skel: bpfpkg.Skel{Progs: []bpfpkg.Prog{{Name: "nt_tc", Attach: "tc",
			TCHook: &bpfpkg.TCHook{Ifindex: 1, AttachPoint: point}}}}}
		if err := meta.ApplyAttachPoints(&ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"nt_tc": ps}}); err != nil {
			t.Fatal(err)
		}
		colls[point] = c
		inNetns(t, nsA, func() { mustAttach(t, p, ps, Target{Iface: "vA"}) })
	}
	sendUDP(t, udpSocket(t, nsA), fmt.Sprintf("10.201.0.2:%d", port), 3)
	sendUDP(t, udpSocket(t, nsB), fmt.Sprintf("10.201.0.1:%d", port), 5)
	for point, n := range want {
		waitCount(t, colls[point], slotTC, n)
	}
	// Both counts are read after both have arrived, so a program that also
	// counted the other direction shows up as too many.
	for point, n := range want {
		if got := count(t, colls[point], slotTC); got != n {
			t.Errorf("tc program with %s counted %d packets, want %d", point, got, n)
		}
	}
}
