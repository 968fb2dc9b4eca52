package decode

import (
	"bytes"
	"math"
	"testing"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/internal/bpftest"
)

// TestClangBTF decodes struct event of testdata/event.c as clang describes it in a
// BPF object, the way the runner meets event types.
func TestClangBTF(t *testing.T) {
	obj := bpftest.Object(t, "testdata/event.c", bpftest.Options{})
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	var ev *btf.Struct
	if err := spec.TypeByName("event", &ev); err != nil {
		t.Fatal(err)
	}
	d, err := New(ev)
	if err != nil {
		t.Fatal(err)
	}
	if d.Size() != 72 {
		t.Fatalf("sizeof(struct event) = %d, want 72", d.Size())
	}
	r := newRec(72).u32(0, 100).u32(4, 0xffffffff).u64(8, 5e9).str(16, "sshd").
		str(32, "ab").u32(36, 0xffffffff).u8(40, 1).
		u8(41, 5|31<<3). // prio=5, nice=31
		u8(42, 0x40).    // delta=-64 (7 bits)
		u32(44, 0xfffffffe).u16(48, 7).u16(50, 8).
		u64(56, math.Float64bits(0.25)).u64(64, 0x1000)
	r = append(r, "ls\x00-l\x00"...)
	want := `{"pid":100,"ret":-1,"ts":5000000000,"comm":"sshd","raw":[97,98,0,0],"kind":"KIND_NEG","ok":true,` +
		`"prio":5,"nice":31,"delta":-64,"fd":4294967294,"err":-2,"range":{"lo":7,"hi":8},"load":0.25,"ptr":4096,"args":"ls"}`
	if got := string(d.AppendJSON(nil, r)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
