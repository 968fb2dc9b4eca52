package decode

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/internal/bpftest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	tTdU16  = &btf.Typedef{Name: "__u16", Type: tU16}
	tTdU128 = &btf.Typedef{Name: "__u128", Type: tU128}
	tBe32   = &btf.Typedef{Name: "__be32", Type: tTdU32}
)

// ip pokes the bytes of address s (as the socket holds them) in at off.
func (r rec) ip(off int, s string) rec {
	copy(r[off:], netip.MustParseAddr(s).AsSlice())
	return r
}

// anonUnion is an anonymous union member at byteOff.
func anonUnion(size, byteOff int, ms ...btf.Member) btf.Member {
	return btf.Member{Type: &btf.Union{Size: uint32(size), Members: ms}, Offset: btf.Bits(byteOff * 8)}
}

// textRow is a record as a table row would show it: name=cell for every field.
func textRow(d *Decoder, r []byte) string {
	var b []byte
	for i, f := range d.Fields() {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, f.Name...)
		b = append(b, '=')
		b = d.AppendField(b, i, r)
	}
	return string(b)
}

// fieldIndex returns the index of d's top-level field name, or -1.
func fieldIndex(d *Decoder, name string) int {
	for i, f := range d.Fields() {
		if f.Name == name {
			return i
		}
	}
	return -1
}

type addrCase struct {
	name     string
	typ      btf.Type
	rec      rec
	wantJSON string
	wantText string
}

// runAddrCases checks each case's JSON, then its table text.
func runAddrCases(t *testing.T, cases []addrCase) {
	t.Helper()
	js := make([]jsonCase, len(cases))
	for i, tc := range cases {
		js[i] = jsonCase{tc.name, tc.typ, tc.rec, tc.wantJSON}
	}
	runJSONCases(t, js)
	for _, tc := range cases {
		d, err := New(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := textRow(d, tc.rec); got != tc.wantText {
			t.Errorf("%s: text\n got %s\nwant %s", tc.name, got, tc.wantText)
		}
	}
}

// lifeType is tcplife's shape: unsigned __int128 addresses and a family after them.
var lifeType = structOf("life", 40,
	member("saddr", tU128, 0), member("daddr", tTdU128, 16),
	member("pid", tTdU32, 32), member("family", tTdU16, 36))

func TestAddressInt128Family(t *testing.T) {
	runAddrCases(t, []addrCase{
		{"AF_INET keeps the low bytes", lifeType,
			newRec(40).ip(0, "127.0.0.1").ip(16, "10.1.2.3").u32(32, 7).u16(36, 2),
			`{"saddr":"127.0.0.1","daddr":"10.1.2.3","pid":7,"family":2}`,
			`saddr=127.0.0.1 daddr=10.1.2.3 pid=7 family=2`},
		{"AF_INET6", lifeType,
			newRec(40).ip(0, "::1").ip(16, "2001:db8::ff00:42:8329").u32(32, 7).u16(36, 10),
			`{"saddr":"::1","daddr":"2001:db8::ff00:42:8329","pid":7,"family":10}`,
			`saddr=::1 daddr=2001:db8::ff00:42:8329 pid=7 family=10`},
		{"unknown family is IPv6", lifeType,
			newRec(40).ip(0, "127.0.0.1").u16(36, 1),
			`{"saddr":"7f00:1::","daddr":"::","pid":0,"family":1}`,
			`saddr=7f00:1:: daddr=:: pid=0 family=1`},
		{"record without the family is IPv6", lifeType,
			newRec(32).ip(0, "127.0.0.1").ip(16, "::ffff:10.0.0.1"),
			`{"saddr":"7f00:1::","daddr":"::ffff:10.0.0.1"}`,
			`saddr=7f00:1:: daddr=::ffff:10.0.0.1 pid= family=`},
	})
}

func TestAddressWithoutFamily(t *testing.T) {
	v4 := structOf("v4_key", 12, member("saddr", tTdU32, 0), member("daddr", arrayOf(tTdU8, 4), 4),
		member("sport", tU16, 8), member("dport", tU16, 10))
	v6 := structOf("v6_key", 64, member("saddr", arrayOf(tTdU8, 16), 0), member("daddr", arrayOf(tTdU32, 4), 16),
		member("src", tS128, 32), member("dst", arrayOf(tU16, 8), 48))
	runAddrCases(t, []addrCase{
		{"4 bytes are IPv4", v4,
			newRec(12).ip(0, "192.168.1.10").ip(4, "255.255.255.255").u16(8, 443).u16(10, 51000),
			`{"saddr":"192.168.1.10","daddr":"255.255.255.255","sport":443,"dport":51000}`,
			`saddr=192.168.1.10 daddr=255.255.255.255 sport=443 dport=51000`},
		{"16 bytes are IPv6, v4-mapped as netip shows it", v6,
			newRec(64).ip(0, "fe80::1").ip(16, "::ffff:192.0.2.1").ip(32, "2001:db8::1").ip(48, "::"),
			`{"saddr":"fe80::1","daddr":"::ffff:192.0.2.1","src":"2001:db8::1","dst":"::"}`,
			`saddr=fe80::1 daddr=::ffff:192.0.2.1 src=2001:db8::1 dst=::`},
	})
}

// connectType is tcpconnect's shape: a union per address, one member per family,
// and an af field; the destination's IPv6 member is an __int128 as in tcptracer.
var connectType = structOf("connect", 40,
	anonUnion(16, 0, member("saddr_v4", tTdU32, 0), member("saddr_v6", arrayOf(tTdU8, 16), 0)),
	anonUnion(16, 16, member("daddr_v4", tBe32, 0), member("daddr_v6", tU128, 0)),
	member("af", tS32, 32), member("dport", tTdU16, 36))

func TestAddressUnionByFamily(t *testing.T) {
	runAddrCases(t, []addrCase{
		{"AF_INET prints only the v4 members", connectType,
			newRec(40).ip(0, "127.0.0.1").ip(16, "127.0.0.2").u32(32, 2).u16(36, 80),
			`{"saddr_v4":"127.0.0.1","daddr_v4":"127.0.0.2","af":2,"dport":80}`,
			`saddr_v4=127.0.0.1 saddr_v6= daddr_v4=127.0.0.2 daddr_v6= af=2 dport=80`},
		{"AF_INET6 prints only the v6 members", connectType,
			newRec(40).ip(0, "::1").ip(16, "2001:db8::2").u32(32, 10).u16(36, 80),
			`{"saddr_v6":"::1","daddr_v6":"2001:db8::2","af":10,"dport":80}`,
			`saddr_v4= saddr_v6=::1 daddr_v4= daddr_v6=2001:db8::2 af=10 dport=80`},
		{"another family prints both, each by its name", connectType,
			newRec(40).ip(0, "10.0.0.1").u16(36, 80),
			`{"saddr_v4":"10.0.0.1","saddr_v6":"a00:1::","daddr_v4":"0.0.0.0","daddr_v6":"::","af":0,"dport":80}`,
			`saddr_v4=10.0.0.1 saddr_v6=a00:1:: daddr_v4=0.0.0.0 daddr_v6=:: af=0 dport=80`},
	})
}

func TestAddressVersionByName(t *testing.T) {
	// Not in a union, so both print whatever the family says; a 16-byte _v4 field
	// prints its first four bytes.
	both := structOf("both", 40, member("saddr_v4", tU32, 0), member("saddr6", tU128, 16),
		member("daddr4", tU128, 16), member("family", tU16, 32))
	runAddrCases(t, []addrCase{
		{"suffixes win over the family", both,
			newRec(40).ip(0, "10.9.8.7").ip(16, "::ffff:1.2.3.4").u16(32, 2),
			`{"saddr_v4":"10.9.8.7","saddr6":"::ffff:1.2.3.4","daddr4":"0.0.0.0","family":2}`,
			`saddr_v4=10.9.8.7 saddr6=::ffff:1.2.3.4 daddr4=0.0.0.0 family=2`},
	})
}

func TestAddressVersionField(t *testing.T) {
	// bindsnoop's shape: __u8 addr[16] and a ver field of 4 or 6.
	bind := structOf("bind", 20, member("addr", arrayOf(tTdU8, 16), 0), member("ver", tTdU8, 16))
	mode := &btf.Enum{Name: "sa_family_t", Size: 2, Values: []btf.EnumValue{{Name: "AF_INET", Value: 2}, {Name: "AF_INET6", Value: 10}}}
	listen := structOf("listen", 20, member("addr", arrayOf(tU32, 4), 0), member("sa_family", mode, 16))
	runAddrCases(t, []addrCase{
		{"ver 4", bind, newRec(20).ip(0, "0.0.0.0").u8(16, 4), `{"addr":"0.0.0.0","ver":4}`, `addr=0.0.0.0 ver=4`},
		{"ver 6", bind, newRec(20).ip(0, "::").u8(16, 6), `{"addr":"::","ver":6}`, `addr=:: ver=6`},
		{"enum family AF_INET", listen, newRec(20).ip(0, "127.0.0.53").u16(16, 2),
			`{"addr":"127.0.0.53","sa_family":"AF_INET"}`, `addr=127.0.0.53 sa_family=AF_INET`},
	})
}

func TestAddressTypes(t *testing.T) {
	// struct in_addr and in6_addr are addresses whatever the member is called.
	in4 := structOf("in_addr", 4, member("s_addr", tBe32, 0))
	in6 := structOf("in6_addr", 16, anonUnion(16, 0, member("u6_addr8", arrayOf(tU8, 16), 0)))
	peer := structOf("peer", 44, member("local", in4, 0), member("remote", &btf.Typedef{Name: "in6_t", Type: in6}, 4),
		member("hops", arrayOf(in4, 2), 20), member("u", &btf.Union{Size: 16, Members: []btf.Member{member("a6", in6, 0)}}, 28))
	runAddrCases(t, []addrCase{
		{"in_addr and in6_addr", peer,
			newRec(44).ip(0, "1.1.1.1").ip(4, "2606:4700::1111").ip(20, "10.0.0.1").ip(24, "10.0.0.2").ip(28, "::2"),
			`{"local":"1.1.1.1","remote":"2606:4700::1111","hops":["10.0.0.1","10.0.0.2"],"u":{"a6":"::2"}}`,
			`local=1.1.1.1 remote=2606:4700::1111 hops=[10.0.0.1,10.0.0.2] u={a6=::2}`},
	})
}

func TestAddressLookalikesStayNumbers(t *testing.T) {
	// Pointers, other sizes, bitfields, unknown names, text and a _v6 name on four
	// bytes keep the decoding they had before addresses existed.
	typ := structOf("lookalikes", 80,
		member("total", tU128, 0), member("skaddr", tU64, 16), member("addr", tU64, 24),
		member("saddr", tU16, 32), member("src", tU8, 34),
		btf.Member{Name: "dst", Type: tU32, Offset: 35 * 8, BitfieldSize: 8},
		member("daddr_v6", tU32, 36), member("ip", tU32, 40), member("saddrs", tU32, 44),
		member("laddr", arrayOf(tChar, 16), 48), member("raddr", &btf.Pointer{Target: tU8}, 64),
		member("family", tU16, 72))
	runAddrCases(t, []addrCase{
		{"lookalikes", typ,
			newRec(80).u64(0, 1).u64(16, 0xffff888012345678).u64(24, 4096).u16(32, 8080).u8(34, 3).u8(35, 9).
				u32(36, 16777343).u32(40, 16777343).u32(44, 16777343).str(48, "10.0.0.1").u64(64, 0x1000).u16(72, 2),
			`{"total":"1","skaddr":18446612682375452280,"addr":4096,"saddr":8080,"src":3,"dst":9,"daddr_v6":16777343,` +
				`"ip":16777343,"saddrs":16777343,"laddr":"10.0.0.1","raddr":4096,"family":2}`,
			`total=1 skaddr=18446612682375452280 addr=4096 saddr=8080 src=3 dst=9 daddr_v6=16777343 ip=16777343 saddrs=16777343 laddr=10.0.0.1 raddr=0x1000 family=2`},
	})
}

func TestAddressScopes(t *testing.T) {
	// The family applies to its siblings only: a nested struct without one of its
	// own prints 16 bytes as IPv6; each array element follows its own family.
	flow := structOf("flow", 20, member("saddr", tU128, 0), member("family", tU16, 16))
	key := structOf("key", 16, member("daddr", tU128, 0))
	typ := structOf("scoped", 60, member("flows", arrayOf(flow, 2), 0), member("key", key, 40), member("family", tU16, 56))
	runAddrCases(t, []addrCase{
		{"scopes", typ,
			newRec(60).ip(0, "127.0.0.1").u16(16, 2).ip(20, "::1").u16(36, 10).ip(40, "127.0.0.1").u16(56, 2),
			`{"flows":[{"saddr":"127.0.0.1","family":2},{"saddr":"::1","family":10}],"key":{"daddr":"7f00:1::"},"family":2}`,
			`flows=[{saddr=127.0.0.1 family=2},{saddr=::1 family=10}] key={daddr=7f00:1::} family=2`},
	})
}

func TestAddressWidths(t *testing.T) {
	for _, tc := range []struct {
		typ   btf.Type
		field string
		want  int
	}{
		{lifeType, "saddr", 39},
		{connectType, "saddr_v4", 15},
		{connectType, "daddr_v6", 39},
	} {
		d, err := New(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Fields()[fieldIndex(d, tc.field)].Width; got != tc.want {
			t.Errorf("%s.%s: width %d, want %d", d.Name(), tc.field, got, tc.want)
		}
	}
}

func TestAddressAllocs(t *testing.T) {
	d, err := New(connectType)
	if err != nil {
		t.Fatal(err)
	}
	r := newRec(40).ip(0, "::1").ip(16, "2001:db8::2").u32(32, 10)
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { buf = d.AppendJSON(buf[:0], r) }); n != 0 {
		t.Errorf("AppendJSON of addresses allocates %v times per record, want 0", n)
	}
}

// TestAddressGolden decodes records of the libbpf-tools-shaped events in
// testdata/addresses.c, as clang describes them, and compares JSON and table text
// with testdata/addresses.golden.
func TestAddressGolden(t *testing.T) {
	obj := bpftest.Object(t, "testdata/addresses.c", bpftest.Options{})
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	type field struct{ name, value string }
	records := []struct {
		typ    string
		fields []field
	}{
		{"life_event", []field{{"saddr", "127.0.0.1"}, {"daddr", "127.0.0.1"}, {"sport", "8080"}, {"family", "2"}, {"comm", "curl"}}},
		{"life_event", []field{{"saddr", "::1"}, {"daddr", "2001:db8::1"}, {"sport", "443"}, {"family", "10"}, {"comm", "nginx"}}},
		{"state_event", []field{{"saddr", "10.0.0.2"}, {"daddr", "10.0.0.3"}, {"skaddr", "ffff888004d2a300"}, {"family", "2"}, {"newstate", "1"}}},
		{"connect_event", []field{{"saddr_v4", "192.168.0.2"}, {"daddr_v4", "93.184.216.34"}, {"af", "2"}, {"task", "wget"}}},
		{"connect_event", []field{{"saddr_v6", "fe80::2"}, {"daddr_v6", "2606:2800:220:1::"}, {"af", "10"}, {"task", "wget"}}},
		{"bind_event", []field{{"addr", "0.0.0.0"}, {"port", "53"}, {"ver", "4"}}},
		{"bind_event", []field{{"addr", "::"}, {"port", "53"}, {"ver", "6"}}},
		{"listen_event", []field{{"addr", "::ffff:127.0.0.1"}, {"port", "22"}}},
		{"v4_key", []field{{"saddr", "172.16.0.1"}, {"daddr", "172.16.0.254"}, {"dport", "80"}}},
		{"v6_key", []field{{"saddr", "fd00::1"}, {"daddr", "fd00::fe"}, {"dport", "80"}}},
	}
	var out bytes.Buffer
	for _, r := range records {
		var s *btf.Struct
		if err := spec.TypeByName(r.typ, &s); err != nil {
			t.Fatal(err)
		}
		d, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		b := newRec(d.Size())
		for _, f := range r.fields {
			poke(t, d, b, f.name, f.value)
		}
		out.WriteString(r.typ + "\n")
		out.Write(d.AppendJSON(nil, b))
		out.WriteString("\n" + textRow(d, b) + "\n")
	}
	golden(t, "testdata/addresses.golden", out.Bytes())
}

// poke writes value into field name of b: an address as its bytes, a hex string
// (skaddr) or decimal number as a little-endian integer, anything else as text.
func poke(t *testing.T, d *Decoder, b rec, name, value string) {
	t.Helper()
	i := fieldIndex(d, name)
	if i < 0 {
		t.Fatalf("%s has no field %s", d.Name(), name)
	}
	f := d.Fields()[i]
	if a, err := netip.ParseAddr(value); err == nil && strings.ContainsAny(value, ".:") {
		b.ip(f.Offset, a.String())
		return
	}
	var v uint64
	base := uint64(10)
	if f.Size == 8 {
		base = 16
	}
	for _, c := range value {
		d := strings.IndexRune("0123456789abcdef", c)
		if d < 0 || uint64(d) >= base {
			b.str(f.Offset, value)
			return
		}
		v = v*base + uint64(d)
	}
	switch f.Size {
	case 1:
		b.u8(f.Offset, uint8(v))
	case 2:
		b.u16(f.Offset, uint16(v))
	case 4:
		b.u32(f.Offset, uint32(v))
	default:
		b.u64(f.Offset, v)
	}
}

// golden compares got with the file at path, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
