package templates_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nomia.dev/nomia/internal/bpftest"
)

// veth is a veth pair: one end here, the other in a network namespace of its
// own, so that traffic between them really crosses the link.
type veth struct {
	host, netns    string
	hostIP, peerIP string
}

// vethCount numbers the pairs this test process makes.
var vethCount atomic.Int32

// newVeth creates the pair on a free 10.201.x.0/30 and removes both the
// link and the namespace at cleanup.
func newVeth(t *testing.T) *veth {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not found: it creates the test's veth pair")
	}
	id := os.Getpid()%100000*10 + int(vethCount.Add(1))%10 // parallel tests each get their own
	v := &veth{host: fmt.Sprintf("nmtpl%d", id), netns: fmt.Sprintf("nomia-tpl-%d", id)}
	for x := id % 250; v.hostIP == ""; x = (x + 1) % 250 {
		if out, _ := exec.Command("ip", "-o", "addr", "show", "to", fmt.Sprintf("10.201.%d.0/30", x)).Output(); len(out) == 0 {
			v.hostIP, v.peerIP = fmt.Sprintf("10.201.%d.1", x), fmt.Sprintf("10.201.%d.2", x)
		}
	}
	ip(t, "netns", "add", v.netns)
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", v.host).Run() // the peer goes with it
		exec.Command("ip", "netns", "del", v.netns).Run()
	})
	ip(t, "link", "add", v.host, "type", "veth", "peer", "name", "eth0", "netns", v.netns)
	ip(t, "addr", "add", v.hostIP+"/30", "dev", v.host)
	ip(t, "link", "set", v.host, "up")
	ip(t, "-n", v.netns, "addr", "add", v.peerIP+"/30", "dev", "eth0")
	ip(t, "-n", v.netns, "link", "set", "eth0", "up")
	return v
}

func ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// sendUDP sends one datagram to a closed port of the peer, which answers
// with an ICMP port-unreachable: IPv4/ICMP received on the host end.
func (v *veth) sendUDP(t *testing.T) {
	c, err := net.Dial("udp4", net.JoinHostPort(v.peerIP, "9"))
	if err != nil {
		t.Errorf("udp to %s: %v", v.peerIP, err)
		return
	}
	defer c.Close()
	c.Write([]byte("nomia"))
}

// udpFromPeer sends one datagram from the peer's namespace to a closed port
// of the host end, which the host's stack answers with an ICMP
// port-unreachable, unless XDP drops the datagram first.
func (v *veth) udpFromPeer(t *testing.T) {
	sh := fmt.Sprintf("echo nomia > /dev/udp/%s/9", v.hostIP)
	if out, err := exec.Command("ip", "netns", "exec", v.netns, "bash", "-c", sh).CombinedOutput(); err != nil {
		t.Errorf("udp from %s: %v\n%s", v.netns, err, out)
	}
}

// peerUnreachables is how many ICMP destination-unreachable messages the
// peer's namespace has received: its own counter, untouched by anything
// else on the machine.
func (v *veth) peerUnreachables(t *testing.T) int {
	out, err := exec.Command("ip", "netns", "exec", v.netns, "cat", "/proc/net/snmp").Output()
	if err != nil {
		t.Fatalf("reading /proc/net/snmp of %s: %v", v.netns, err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "Icmp:" {
			continue
		}
		if names == nil {
			names = fields
			continue
		}
		for i, name := range names {
			if name == "InDestUnreachs" && i < len(fields) {
				n, _ := strconv.Atoi(fields[i])
				return n
			}
		}
	}
	t.Fatalf("no Icmp InDestUnreachs in /proc/net/snmp of %s:\n%s", v.netns, out)
	return 0
}

// isRow says whether a line of the counts table is the row of key.
func isRow(row map[string]any, ethProto, ipProto float64) bool {
	key, _ := row["key"].(map[string]any)
	return row["map"] == "counts" && num(key, "eth_proto") == ethProto && num(key, "ip_proto") == ipProto
}

// TestXDPTemplate counts what the host end of a veth pair receives and checks
// the IPv4/ICMP row of the table; once nomia exits the interface must carry
// no XDP program.
func TestXDPTemplate(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "xdp", "pktcount")
	v := newVeth(t)
	bpftest.NoLeaks(t, "count_packets")

	r := startRun(t, "--iface", v.host, "--interval", "300ms", filepath.Join(dir, "package.json"))
	row := r.waitFor(t, func() { v.sendUDP(t) },
		func(row map[string]any) bool { return row["map"] == "counts" },
		func(row map[string]any) bool { return isRow(row, 0x800, 1) })
	val, _ := row["value"].(map[string]any)
	// An ICMP error quotes the datagram: Ethernet 14 + IP 20 + ICMP 8 + IP 20 + UDP 8 + 5.
	if packets, bytes := num(val, "packets"), num(val, "bytes"); packets < 1 || bytes < packets*75 {
		t.Errorf("IPv4/ICMP row %v: want ≥ 1 packet of ≥ 75 bytes each", row)
	}

	r.stop()
	// ip prints "prog/xdp" (or "xdpgeneric"/"xdpdrv") for an attached program.
	if out, err := exec.Command("ip", "link", "show", "dev", v.host).CombinedOutput(); err != nil || strings.Contains(string(out), "xdp") {
		t.Errorf("after nomia exited, ip link show %s: %v\n%s(want no XDP program)", v.host, err, out)
	}
}

// TestXDPTemplateDrop runs the template with --drop_ip_proto 17 and sends
// UDP from the peer: XDP must count the datagrams and drop them before the
// host's stack can answer, so the peer receives no port-unreachable. Then,
// with nomia gone, the same datagram does get its answer.
func TestXDPTemplateDrop(t *testing.T) {
	t.Parallel()
	dir := newProject(t, "xdp", "pktdrop")
	v := newVeth(t)
	bpftest.NoLeaks(t, "count_packets")

	r := startRun(t, "--iface", v.host, "--interval", "300ms", filepath.Join(dir, "package.json"), "--drop_ip_proto", "17")
	udpPackets := func(row map[string]any) float64 {
		val, _ := row["value"].(map[string]any)
		if !isRow(row, 0x800, 17) {
			return -1
		}
		return num(val, "packets")
	}
	// Datagrams sent before nomia attached were answered; count from the
	// first one XDP saw.
	first := udpPackets(r.waitFor(t, func() { v.udpFromPeer(t) }, nil,
		func(row map[string]any) bool { return udpPackets(row) >= 1 }))
	before := v.peerUnreachables(t)
	r.waitFor(t, func() { v.udpFromPeer(t) }, nil,
		func(row map[string]any) bool { return udpPackets(row) >= first+3 })
	if got := v.peerUnreachables(t); got != before {
		t.Errorf("the peer received %d port-unreachables: the host's stack saw UDP that XDP should have dropped", got-before)
	}
	r.stop()

	// Without nomia the host answers: the counter above can see an answer.
	tick := time.NewTicker(pokeEvery)
	defer tick.Stop()
	for deadline := time.Now().Add(time.Minute); v.peerUnreachables(t) == before; <-tick.C {
		if time.Now().After(deadline) {
			t.Fatal("no port-unreachable reached the peer even without XDP: the drop check above proves nothing")
		}
		v.udpFromPeer(t)
	}
}
