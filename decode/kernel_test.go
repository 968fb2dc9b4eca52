package decode

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/cilium/ebpf/btf"
)

// kernelSpec loads the running kernel's BTF, or skips the test when it has none.
func kernelSpec(t *testing.T) *btf.Spec {
	t.Helper()
	spec, err := btf.LoadKernelSpec()
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("kernel has no BTF (/sys/kernel/btf/vmlinux): cannot test against real types")
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func kernelStruct(t *testing.T, spec *btf.Spec, name string) *Decoder {
	t.Helper()
	var s *btf.Struct
	if err := spec.TypeByName(name, &s); err != nil {
		t.Fatalf("kernel BTF: %v", err)
	}
	d, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestKernelTypes(t *testing.T) {
	spec := kernelSpec(t)

	ts := kernelStruct(t, spec, "timespec64")
	r := newRec(16).u64(0, 1700000000).u64(8, 999999999)
	if got, want := string(ts.AppendJSON(nil, r)), `{"tv_sec":1700000000,"tv_nsec":999999999}`; got != want {
		t.Errorf("timespec64 = %s, want %s", got, want)
	}

	// sockaddr_in: __pad is unsigned char[8], text by the char-array rule; the port
	// is __be16, so its bytes read as the little-endian number; sin_addr is a struct
	// in_addr, an address whatever its name.
	sin := kernelStruct(t, spec, "sockaddr_in")
	r = newRec(16).u16(0, 2).u8(2, 0x1f).u8(3, 0x90).u8(4, 127).u8(7, 1).str(8, "pad")
	if got, want := string(sin.AppendJSON(nil, r)), `{"sin_family":2,"sin_port":36895,"sin_addr":"127.0.0.1","__pad":"pad"}`; got != want {
		t.Errorf("sockaddr_in = %s, want %s", got, want)
	}

	// sockaddr_in6: sin6_addr is a struct in6_addr.
	sin6 := kernelStruct(t, spec, "sockaddr_in6")
	r = newRec(28).u16(0, 10).u8(8, 0xfe).u8(9, 0x80).u8(23, 1)
	if got, want := string(sin6.AppendJSON(nil, r)), `{"sin6_family":10,"sin6_port":0,"sin6_flowinfo":0,"sin6_addr":"fe80::1","sin6_scope_id":0}`; got != want {
		t.Errorf("sockaddr_in6 = %s, want %s", got, want)
	}

	// iphdr's saddr and daddr are __be32 (inside an anonymous union on new kernels).
	ip := kernelStruct(t, spec, "iphdr")
	r = newRec(20).u8(12, 10).u8(15, 1).u8(16, 192).u8(17, 168).u8(19, 254)
	if err := json.Unmarshal(ip.AppendJSON(nil, r), &map[string]any{}); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{"saddr": "10.0.0.1", "daddr": "192.168.0.254"} {
		i := fieldIndex(ip, field)
		if i < 0 {
			t.Fatalf("iphdr has no top-level field %s", field)
		}
		if got := string(ip.AppendField(nil, i, r)); got != want {
			t.Errorf("iphdr.%s = %s, want %s", field, got, want)
		}
	}

	// tcphdr's flags are bitfields of __u16: doff:4 sits in bits 4-7 of byte 12.
	tcp := kernelStruct(t, spec, "tcphdr")
	r = newRec(20).u8(12, 5<<4).u8(13, 0x12) // doff=5, SYN|ACK
	var got map[string]any
	if err := json.Unmarshal(tcp.AppendJSON(nil, r), &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{"doff": 5, "syn": 1, "ack": 1, "fin": 0, "rst": 0, "res1": 0} {
		if got[k] != want {
			t.Errorf("tcphdr.%s = %v, want %v (all: %v)", k, got[k], want, got)
		}
	}
}

// TestKernelAllTypes compiles every struct and union of the kernel's BTF and decodes
// a patterned record of each: the decoder must accept real-world layouts (bitfields,
// anonymous unions, flexible arrays) and always produce valid JSON.
func TestKernelAllTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes every kernel type; skipped with -short")
	}
	spec := kernelSpec(t)
	buf := make([]byte, 0, 1<<20)
	var pattern []byte
	n := 0
	for typ, err := range spec.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch typ.(type) {
		case *btf.Struct, *btf.Union:
		default:
			continue
		}
		d, err := New(typ)
		if err != nil {
			t.Errorf("New(%s): %v", describe(typ), err)
			continue
		}
		for len(pattern) < d.Size()+8 {
			pattern = binary.LittleEndian.AppendUint64(pattern, 0x8000_00ff_4142_0061)
		}
		buf = d.AppendJSON(buf[:0], pattern[:d.Size()])
		if !json.Valid(buf) {
			t.Fatalf("%s: invalid JSON %s", describe(typ), buf)
		}
		n++
	}
	if n < 1000 {
		t.Errorf("decoded only %d kernel types; expected thousands", n)
	}
	t.Logf("decoded %d kernel structs and unions", n)
}
