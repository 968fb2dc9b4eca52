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
	// is __be16, so its bytes read as the little-endian number.
	sin := kernelStruct(t, spec, "sockaddr_in")
	r = newRec(16).u16(0, 2).u8(2, 0x1f).u8(3, 0x90).u8(4, 127).u8(7, 1).str(8, "pad")
	if got, want := string(sin.AppendJSON(nil, r)), `{"sin_family":2,"sin_port":36895,"sin_addr":{"s_addr":16777343},"__pad":"pad"}`; got != want {
		t.Errorf("sockaddr_in = %s, want %s", got, want)
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
