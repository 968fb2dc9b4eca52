package decode

import (
	"net/netip"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// IP addresses. Networking tools keep addresses as integers or byte arrays in the
// order the socket holds them (network order), and print them with inet_ntop; a
// decoder that printed them as numbers would show 16777343 for 127.0.0.1. The rule for
// what counts as an address is in the package documentation; this file implements it.

// addrNames are the field names, without a version suffix, that hold an IP address.
// The list is short on purpose: a name that also means something else (ip is usually
// an instruction pointer) would turn numbers into nonsense addresses.
var addrNames = map[string]bool{
	"addr": true, "saddr": true, "daddr": true, "laddr": true, "raddr": true,
	"src": true, "dst": true, "src_addr": true, "dst_addr": true, "src_ip": true, "dst_ip": true,
}

// addrTypes are struct types that are addresses whatever the field is called.
var addrTypes = map[string]int{"in_addr": 4, "in6_addr": 16}

// familyCodes maps the names of fields that say an address's family to the values
// that mean IPv4 and IPv6: the AF_* constants for family/af/sa_family, and 4 or 6
// for ver (libbpf-tools' bindsnoop).
var familyCodes = map[string][2]uint64{
	"family": {2, 10}, "af": {2, 10}, "sa_family": {2, 10},
	"ver": {4, 6},
}

// addrRule is how one address field is printed.
type addrRule struct {
	version uint8        // 4 or 6 when the field's name says which, 0 otherwise
	inUnion bool         // a member of a union, which the family can show to be inactive
	family  *familyField // the sibling that says the family, nil when there is none
}

// familyField is an integer field whose value says an address's family.
type familyField struct {
	off   int   // byte offset, on the same base as the address's
	width uint8 // 1, 2, 4 or 8
	codes [2]uint64
}

// of returns 4 or 6 when rec holds the family field and its value is one of the
// codes for IPv4 or IPv6, and 0 otherwise.
func (f *familyField) of(rec []byte) uint8 {
	if f == nil || f.off+int(f.width) > len(rec) {
		return 0
	}
	switch loadWidth(rec[f.off:], f.width) {
	case f.codes[0]:
		return 4
	case f.codes[1]:
		return 6
	}
	return 0
}

// inactive reports whether the address is the member of a union that the family
// shows is not the one in use, e.g. saddr_v6 when af is AF_INET.
func (a *addrRule) inactive(rec []byte) bool {
	if !a.inUnion || a.version == 0 {
		return false
	}
	fam := a.family.of(rec)
	return fam != 0 && fam != a.version
}

// versionOf returns the version to print size bytes of address as: the one the
// name gives, else 4 for 4 bytes, else the family's, else 6.
func (a *addrRule) versionOf(rec []byte, size int) uint8 {
	switch {
	case a.version != 0:
		return a.version
	case size == 4:
		return 4
	}
	if fam := a.family.of(rec); fam != 0 {
		return fam
	}
	return 6
}

// appendAddr appends the address at the start of b (which holds o.width bytes) in
// the notation inet_ntop uses.
func appendAddr(dst []byte, o *op, rec []byte) []byte {
	b := rec[o.off:]
	if o.addr.versionOf(rec, int(o.width)) == 4 {
		return netip.AddrFrom4([4]byte(b[:4])).AppendTo(dst)
	}
	return netip.AddrFrom16([16]byte(b[:16])).AppendTo(dst)
}

// addrVersion splits a version suffix (_v4, _v6, 4, 6) off name.
func addrVersion(name string) (base string, version uint8) {
	for _, s := range [...]struct {
		suffix  string
		version uint8
	}{{"_v4", 4}, {"_v6", 6}, {"4", 4}, {"6", 6}} {
		if b, ok := strings.CutSuffix(name, s.suffix); ok {
			return b, s.version
		}
	}
	return name, 0
}

// addrSize returns 4 or 16 when a value of t can be an address: an integer (not a
// bool) of that size, an array of 1-, 2- or 4-byte integers of that size whose
// element is not plain char (char arrays are text), or struct in_addr / in6_addr.
// It returns 0 for anything else.
func addrSize(t btf.Type) int {
	switch u := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		if u.Encoding&btf.Bool == 0 && (u.Size == 4 || u.Size == 16) {
			return int(u.Size)
		}
	case *btf.Array:
		e, ok := btf.UnderlyingType(u.Type).(*btf.Int)
		if !ok || e.Name == "char" || e.Encoding&btf.Bool != 0 || e.Size > 4 {
			return 0
		}
		if n := int64(e.Size) * int64(u.Nelems); n == 4 || n == 16 {
			return int(n)
		}
	case *btf.Struct:
		if n := addrTypes[u.Name]; n != 0 && int(u.Size) == n {
			return n
		}
	}
	return 0
}

// address returns the step that prints field name of type t at bitOff as an IP
// address, when the field is one.
func (c *compiler) address(name string, t btf.Type, bitOff, bitSize int) (op, bool) {
	if bitSize != 0 || bitOff%8 != 0 {
		return op{}, false
	}
	size := addrSize(t)
	base, version := addrVersion(name)
	_, typed := btf.UnderlyingType(t).(*btf.Struct) // addrSize admits only in_addr, in6_addr
	switch {
	case size == 0:
		return op{}, false
	case !typed && !addrNames[base]:
		return op{}, false
	case typed && !addrNames[base]:
		version = 0 // the suffix of a name we do not know says nothing
	}
	if size == 4 && version == 6 {
		return op{}, false // four bytes cannot hold what the name promises
	}
	rule := &addrRule{version: version, inUnion: c.inUnion, family: c.family}
	return op{code: opAddr, width: uint8(size), need: size, off: bitOff / 8, addr: rule}, true
}

// findFamily returns the field among ms (and the members of their anonymous structs
// and unions, which C names as siblings) that says an address's family, or nil.
// base is the byte offset of ms's type.
func findFamily(ms []btf.Member, base, depth int) *familyField {
	if depth > maxDepth {
		return nil
	}
	for _, m := range ms {
		off := base*8 + int(m.Offset)
		if m.BitfieldSize != 0 || off%8 != 0 {
			continue
		}
		if m.Name == "" {
			if inner, ok := membersOf(m.Type); ok {
				if f := findFamily(inner, off/8, depth+1); f != nil {
					return f
				}
			}
			continue
		}
		codes, ok := familyCodes[m.Name]
		if !ok {
			continue
		}
		var size uint32
		switch u := btf.UnderlyingType(m.Type).(type) {
		case *btf.Int:
			if u.Encoding&btf.Bool == 0 {
				size = u.Size
			}
		case *btf.Enum:
			size = u.Size
		}
		if validWidth(int(size)) {
			return &familyField{off: off / 8, width: uint8(size), codes: codes}
		}
	}
	return nil
}
