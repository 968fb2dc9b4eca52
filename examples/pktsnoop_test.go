package examples_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// vethPair is a veth link whose host end is in this netns and whose peer
// lives in a netns of its own, so pings between them really cross the veth.
type vethPair struct {
	host, ns       string
	hostIP, peerIP net.IP
	ifindex        int
}

func ipCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newVethPair creates the pair with addresses in 10.200.x.0/30, picking an x
// nothing on the host uses yet, and deletes everything at cleanup.
func newVethPair(t *testing.T) *vethPair {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not found: it creates the test's veth pair")
	}
	v := &vethPair{host: fmt.Sprintf("nmt%d", self%1000000), ns: fmt.Sprintf("nomia-test-%d", self)}
	for x := self % 250; ; x = (x + 1) % 250 {
		subnet := fmt.Sprintf("10.200.%d.0/30", x)
		if out, _ := exec.Command("ip", "-o", "addr", "show", "to", subnet).Output(); len(out) == 0 {
			v.hostIP, v.peerIP = net.IPv4(10, 200, byte(x), 1).To4(), net.IPv4(10, 200, byte(x), 2).To4()
			break
		}
	}
	ipCmd(t, "netns", "add", v.ns)
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", v.host).Run() // takes the peer with it
		exec.Command("ip", "netns", "del", v.ns).Run()
	})
	ipCmd(t, "link", "add", v.host, "type", "veth", "peer", "name", "eth0", "netns", v.ns)
	ipCmd(t, "addr", "add", v.hostIP.String()+"/30", "dev", v.host)
	ipCmd(t, "link", "set", v.host, "up")
	ipCmd(t, "-n", v.ns, "addr", "add", v.peerIP.String()+"/30", "dev", "eth0")
	ipCmd(t, "-n", v.ns, "link", "set", "eth0", "up")
	iface, err := net.InterfaceByName(v.host)
	if err != nil {
		t.Fatal(err)
	}
	v.ifindex = iface.Index
	return v
}

// ping sends one ICMP echo request with payload out of the host end.
func (v *vethPair) ping(t *testing.T, payload []byte) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, syscall.IPPROTO_ICMP)
	if err != nil {
		t.Fatalf("raw ICMP socket: %v", err)
	}
	defer syscall.Close(fd)
	if err := syscall.SetsockoptString(fd, syscall.SOL_SOCKET, syscall.SO_BINDTODEVICE, v.host); err != nil {
		t.Fatalf("binding the ICMP socket to %s: %v", v.host, err)
	}
	msg := append([]byte{8, 0, 0, 0, 0x6e, 0x6d, 0, 1}, payload...) // echo request, id "nm", seq 1
	binary.BigEndian.PutUint16(msg[2:], inetChecksum(msg))
	var to syscall.SockaddrInet4
	copy(to.Addr[:], v.peerIP)
	if err := syscall.Sendto(fd, msg, 0, &to); err != nil {
		t.Fatalf("sending ICMP echo to %s: %v", v.peerIP, err)
	}
}

// inetChecksum is the RFC 1071 one's-complement sum.
func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// TestPktsnoop pings across a veth pair and checks what xdp, tcx ingress and
// tcx egress each saw; afterwards the interface must carry no program.
func TestPktsnoop(t *testing.T) {
	t.Parallel()
	pkg := buildPackage(t, "pktsnoop")
	v := newVethPair(t)
	payload := []byte("nomia-pktsnoop!!") // 16 bytes
	frameLen := 14 + 20 + 8 + len(payload)

	r := startRun(t, 3, "-j", "--duration", runCap, "--iface", v.host, pkg)
	request := map[string]any{"ifindex": v.ifindex, "len": frameLen, "eth_proto": 0x0800, "ip_proto": 1,
		"icmp_type": 8, "saddr": v.hostIP.String(), "daddr": v.peerIP.String()}
	reply := map[string]any{"ifindex": v.ifindex, "len": frameLen, "eth_proto": 0x0800, "ip_proto": 1,
		"icmp_type": 0, "saddr": v.peerIP.String(), "daddr": v.hostIP.String()}
	want := map[string]map[string]any{
		"HOOK_TCX_EGRESS":  request, // the request leaves through the host end
		"HOOK_XDP":         reply,   // the reply arrives on it
		"HOOK_TCX_INGRESS": reply,
	}
	got := map[string]event{}
	for len(got) < len(want) {
		ev := r.waitEvent(seenWithin, func() { v.ping(t, payload) }, func(ev event) bool {
			_, known := want[ev.str("hook")]
			_, dup := got[ev.str("hook")]
			return known && !dup && ev.is("ifindex", int64(v.ifindex))
		})
		got[ev.str("hook")] = ev
	}
	for hook, ev := range got {
		t.Run(hook, func(t *testing.T) { expect(t, ev, want[hook]) })
	}
	r.stop()

	// Closing nomia's links must leave the veth bare: no xdp in ip's view.
	out, err := exec.Command("ip", "-j", "link", "show", "dev", v.host).Output()
	if err != nil {
		t.Fatalf("ip link show %s: %v", v.host, err)
	}
	var links []map[string]any
	if err := json.Unmarshal(out, &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -j link show %s: %v %s", v.host, err, out)
	}
	if xdp, ok := links[0]["xdp"]; ok {
		t.Errorf("%s still has xdp attached after nomia exited: %v", v.host, xdp)
	}
}
