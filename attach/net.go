package attach

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// DefaultIface is the interface network programs attach to when Target.Iface is "".
const DefaultIface = "lo"

// ifindex resolves the target interface, in the calling thread's network namespace.
func ifindex(t Target) (string, int, error) {
	name := t.Iface
	if name == "" {
		name = DefaultIface
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return name, 0, fmt.Errorf("no network interface %q: pass --iface NAME (see `ip link`)", name)
	}
	return name, ifc.Index, nil
}

// xdp attaches in the driver's default mode (native where the driver has XDP
// support) and falls back to generic mode, which every interface has.
func xdp(p *ebpf.Program, t Target) (Attachment, error) {
	name, idx, err := ifindex(t)
	if err != nil {
		return nil, err
	}
	l, err := link.AttachXDP(link.XDPOptions{Program: p, Interface: idx})
	if err == nil {
		return l, nil
	}
	l, errGeneric := link.AttachXDP(link.XDPOptions{Program: p, Interface: idx, Flags: link.XDPGenericMode})
	if errGeneric == nil {
		return l, nil
	}
	if errors.Is(err, unix.EBUSY) || errors.Is(errGeneric, unix.EBUSY) {
		return nil, fmt.Errorf("interface %s already has an XDP program: detach it (`ip link set dev %s xdp off`) or pick another --iface", name, name)
	}
	return nil, fmt.Errorf("cannot attach XDP to interface %s: %s", name, oneLine(errGeneric))
}

// tcx attaches tc programs with tcx links (Linux 6.6+); a plain "tc" or
// "classifier" section attaches at ingress.
func tcx(p *ebpf.Program, h Hook, t Target) (Attachment, error) {
	name, idx, err := ifindex(t)
	if err != nil {
		return nil, err
	}
	at := ebpf.AttachTCXIngress
	if h.Target == "egress" {
		at = ebpf.AttachTCXEgress
	}
	l, err := link.AttachTCX(link.TCXOptions{Program: p, Interface: idx, Attach: at})
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, ebpf.ErrNotSupported):
		return nil, fmt.Errorf("this kernel has no tcx links (Linux 6.6+) to attach to %s %s", name, h.Target)
	}
	return nil, fmt.Errorf("cannot attach to %s %s: %s", name, h.Target, oneLine(err))
}

// cgroup attaches cgroup programs (cgroup_skb, cgroup/…, sockops, lsm_cgroup) to
// t.Cgroup, or to the root of the cgroup2 hierarchy, with the attach type the
// section chose at load time.
func cgroup(p *ebpf.Program, ps *ebpf.ProgramSpec, t Target) (Attachment, error) {
	if ps.AttachType == ebpf.AttachNone {
		return nil, errors.New("the section gives no cgroup attach point: use e.g. cgroup_skb/ingress or cgroup/connect4")
	}
	dir := t.Cgroup
	if dir == "" {
		root, err := cgroup2Root()
		if err != nil {
			return nil, err
		}
		dir = root
	}
	l, err := link.AttachCgroup(link.CgroupOptions{Path: dir, Attach: ps.AttachType, Program: p})
	switch {
	case err == nil:
		return l, nil
	case notExist(err):
		return nil, fmt.Errorf("cgroup %s does not exist: pass --cgroup DIR of a cgroup v2 directory", dir)
	}
	return nil, fmt.Errorf("cannot attach to cgroup %s: %s", dir, oneLine(err))
}

// cgroup2Root finds the cgroup v2 mount (/sys/fs/cgroup, or /sys/fs/cgroup/unified
// on hybrid systems).
func cgroup2Root() (string, error) {
	if dir := mountPoint("cgroup2"); dir != "" {
		return dir, nil
	}
	return "", errors.New("no cgroup v2 hierarchy is mounted: mount one (`mount -t cgroup2 none /sys/fs/cgroup/unified`) or pass --cgroup DIR")
}

// socketFilter opens an AF_PACKET raw socket bound to the target interface and
// attaches p to it as a socket filter; closing the attachment closes the socket.
func socketFilter(p *ebpf.Program, t Target) (Attachment, error) {
	name, idx, err := ifindex(t)
	if err != nil {
		return nil, err
	}
	proto := htons(unix.ETH_P_ALL)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return nil, fmt.Errorf("cannot open a packet socket: %v", err)
	}
	// Attach before binding so that no packet reaches the socket unfiltered.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ATTACH_BPF, p.FD()); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("cannot attach the socket filter: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: idx}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("cannot bind a packet socket to %s: %v", name, err)
	}
	// An *os.File, unlike the bare descriptor, knows it was closed: a second
	// Close must not close whatever file reuses the number by then.
	return os.NewFile(uintptr(fd), "packet socket"), nil
}

// htons converts a 16-bit value to network byte order.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}
