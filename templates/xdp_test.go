package templates_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// veth is a veth pair: one end here, the other in a network namespace of its
// own, so that traffic between them really crosses the link.
type veth struct {
	host, netns    string
	hostIP, peerIP string
}

// newVeth creates the pair on a free 10.201.x.0/30 and removes both the
// link and the namespace at cleanup.
func newVeth(t *testing.T) *veth {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not found: it creates the test's veth pair")
	}
	id := os.Getpid()
	v := &veth{host: fmt.Sprintf("nmtpl%d", id%1000000), netns: fmt.Sprintf("nomia-tpl-%d", id)}
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
		func(row map[string]any) bool {
			key, _ := row["key"].(map[string]any)
			return num(key, "eth_proto") == 0x800 && num(key, "ip_proto") == 1
		})
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
