package attach

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// Slots of testdata/net.bpf.c.
const (
	slotXDP = iota
	slotTCXIn
	slotTCXOut
	slotTC
	slotCgroup
	slotSocket
)

// loadNet loads every program of net.bpf.c, counting UDP packets to a port
// chosen for this test.
func loadNet(t *testing.T, prog string) (*ebpf.Collection, *ebpf.Program, *ebpf.ProgramSpec, int) {
	t.Helper()
	port := freePort(t)
	coll, p, ps := loadOne(t, "net.bpf.c", prog, map[string]any{"nt_port": uint16(port)})
	return coll, p, ps, port
}

// freePort returns a UDP port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// sendUDP sends n datagrams to addr from an unconnected socket, which ignores
// the ICMP port-unreachable replies (nothing listens on the port).
func sendUDP(t *testing.T, pc net.PacketConn, addr string, n int) {
	t.Helper()
	dst, err := net.ResolveUDPAddr("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := pc.WriteTo([]byte("nomia"), dst); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
}

// vethPair creates two network namespaces joined by a veth pair, vA
// (10.201.0.1) in the first and vB (10.201.0.2) in the second, and deletes them
// when the test ends. It returns the namespaces' names.
func vethPair(t *testing.T) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2 (ip) is not installed")
	}
	a, b := fmt.Sprintf("nt-a-%d", os.Getpid()), fmt.Sprintf("nt-b-%d", os.Getpid())
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
	for _, ns := range []string{a, b} {
		ip("netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}
	ip("-n", a, "link", "add", "vA", "type", "veth", "peer", "name", "vB", "netns", b)
	ip("-n", a, "addr", "add", "10.201.0.1/24", "dev", "vA")
	ip("-n", b, "addr", "add", "10.201.0.2/24", "dev", "vB")
	ip("-n", a, "link", "set", "vA", "up")
	ip("-n", b, "link", "set", "vB", "up")
	return a, b
}

// inNetns runs fn on a thread that is in network namespace ns.
func inNetns(t *testing.T, ns string, fn func()) {
	t.Helper()
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	target, err := os.Open(filepath.Join("/run/netns", ns))
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		t.Fatalf("setns %s: %v", ns, err)
	}
	defer func() {
		// A thread that cannot go back stays locked, so Go retires it.
		if unix.Setns(int(self.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
	}()
	fn()
}

// udpSocket opens a UDP socket in namespace ns ("" for the test's own).
func udpSocket(t *testing.T, ns string) net.PacketConn {
	t.Helper()
	var pc net.PacketConn
	var err error
	open := func() { pc, err = net.ListenPacket("udp4", ":0") }
	if ns == "" {
		open()
	} else {
		inNetns(t, ns, open)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// XDP, tcx ingress/egress and plain tc on vA count exactly the UDP packets that
// cross vA in their direction.
func TestXDPAndTCX(t *testing.T) {
	port := freePort(t)
	nsA, nsB := vethPair(t)
	progs := map[string]uint32{"nt_xdp": slotXDP, "nt_tcx_in": slotTCXIn, "nt_tcx_out": slotTCXOut, "nt_tc": slotTC}
	colls := map[string]*ebpf.Collection{}
	for name := range progs {
		c, p, ps := loadOne(t, "net.bpf.c", name, map[string]any{"nt_port": uint16(port)})
		colls[name] = c
		inNetns(t, nsA, func() { mustAttach(t, p, ps, Target{Iface: "vA"}) })
	}
	sendUDP(t, udpSocket(t, nsB), fmt.Sprintf("10.201.0.1:%d", port), 5)
	sendUDP(t, udpSocket(t, nsA), fmt.Sprintf("10.201.0.2:%d", port), 3)
	want := map[string]uint64{"nt_xdp": 5, "nt_tcx_in": 5, "nt_tc": 5, "nt_tcx_out": 3}
	for name, slot := range progs {
		if got := waitCount(t, colls[name], slot, want[name]); got != want[name] {
			t.Errorf("%s counted %d packets, want %d", name, got, want[name])
		}
	}
}

func TestNetworkTargetErrors(t *testing.T) {
	_, p, ps, _ := loadNet(t, "nt_xdp")
	_, err := Program(p, ps, Target{Iface: "nt-no-such0"})
	want := `program nt_xdp (xdp): no network interface "nt-no-such0": pass --iface NAME (see ` + "`ip link`)"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

// The socket filter on lo counts the UDP packets the test sends to itself.
func TestSocketFilter(t *testing.T) {
	coll, p, ps, port := loadNet(t, "nt_socket")
	a := mustAttach(t, p, ps, Target{})
	pc, addr := udpSocket(t, ""), fmt.Sprintf("127.0.0.1:%d", port)
	sendUDP(t, pc, addr, 4)
	if got := waitCount(t, coll, slotSocket, 4); got != 4 {
		t.Errorf("socket filter counted %d packets, want 4", got)
	}
	closeErr(t, a)
	sendUDP(t, pc, addr, 2)
	if got := count(t, coll, slotSocket); got != 4 {
		t.Errorf("socket filter still counts after Close: %d", got)
	}
}

// cgroup_skb/egress on a cgroup the test creates counts the packets of a process
// started in it, and not the test's own.
func TestCgroupSkb(t *testing.T) {
	root, err := cgroup2Root()
	if err != nil {
		t.Skip(err)
	}
	coll, p, ps, port := loadNet(t, "nt_cgroup")
	dir := filepath.Join(root, fmt.Sprintf("nomia-attach-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(dir) })
	mustAttach(t, p, ps, Target{Cgroup: dir})

	cg, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Close()
	send := fmt.Sprintf("for i in 1 2 3; do echo x >/dev/udp/127.0.0.1/%d; done", port)
	cmd := exec.Command("bash", "-c", send)
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: int(cg.Fd())}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sender in cgroup: %v\n%s", err, out)
	}
	// Sent from outside the cgroup: not counted.
	sendUDP(t, udpSocket(t, ""), fmt.Sprintf("127.0.0.1:%d", port), 2)
	if got := waitCount(t, coll, slotCgroup, 3); got != 3 {
		t.Errorf("cgroup_skb counted %d packets, want the 3 sent from the cgroup", got)
	}
}

// Closing a socket filter twice must not close whatever file took over the
// socket's descriptor number after the first Close.
func TestSocketFilterCloseTwice(t *testing.T) {
	_, p, ps, _ := loadNet(t, "nt_socket")
	a := mustAttach(t, p, ps, Target{})
	closeErr(t, a)
	// The kernel hands out the lowest free descriptors, so one of these reuses
	// the socket's number.
	var files []*os.File
	for range 64 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files = append(files, f)
	}
	a.Close()
	for _, f := range files {
		if _, err := f.Stat(); err != nil {
			t.Fatalf("a second Close of the attachment closed an unrelated file: %v", err)
		}
	}
}
