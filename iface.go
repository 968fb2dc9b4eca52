package nomia

import (
	"net"

	"nomia.dev/nomia/bpfpkg"
)

// packageIface is the interface a package names for its xdp or tc programs
// (eunomia-bpf records an ifindex per program), or "" when it names none or the
// index does not exist here. An --iface given by the user always wins.
func packageIface(skel *bpfpkg.Skel) string {
	for _, p := range skel.Progs {
		idx := 0
		switch {
		case p.Ifindex != nil:
			idx = *p.Ifindex
		case p.TCHook != nil:
			idx = p.TCHook.Ifindex
		}
		if idx <= 0 {
			continue
		}
		if ifc, err := net.InterfaceByIndex(idx); err == nil {
			return ifc.Name
		}
	}
	return ""
}
