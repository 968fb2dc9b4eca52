package bpfpkg

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"
)

// minimalTypes returns the BTF of testdata/minimal.bpf.c and the ids of its
// __u32 and __u64 typedefs.
func minimalTypes(t *testing.T) (*btf.Spec, btf.TypeID, btf.TypeID) {
	t.Helper()
	pkg := &Package{Object: minimalObject(t)}
	spec, err := pkg.Spec()
	if err != nil {
		t.Fatal(err)
	}
	id := func(name string) btf.TypeID {
		var td *btf.Typedef
		if err := spec.Types.TypeByName(name, &td); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n, err := spec.Types.TypeID(td)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return spec.Types, id("__u32"), id("__u64")
}

func customMeta(members string) *Meta {
	return &Meta{EnableMultipleExportTypes: true, Skel: Skel{Maps: []Map{{Name: "rb",
		ExportConfig: json.RawMessage(`{"custom_members":` + members + `}`)}}}}
}

// custom_members become a struct of the members at their offsets, in offset
// order, as eunomia-bpf lays them out.
func TestEventTypeCustomMembers(t *testing.T) {
	types, u32, u64 := minimalTypes(t)
	meta := customMeta(fmt.Sprintf(`[{"name":"ts","offset":8,"btf_type_id":%d},{"name":"pid","offset":0,"btf_type_id":%d}]`, u64, u32))
	typ, ok, err := meta.EventType(types, "rb")
	if err != nil || !ok {
		t.Fatalf("EventType: %v, %v", ok, err)
	}
	s, isStruct := typ.(*btf.Struct)
	if !isStruct || s.Size != 16 || len(s.Members) != 2 {
		t.Fatalf("type %v, want a 16-byte struct of two members", typ)
	}
	for i, want := range []struct {
		name string
		bits btf.Bits
		typ  string
	}{{"pid", 0, "__u32"}, {"ts", 64, "__u64"}} {
		m := s.Members[i]
		if m.Name != want.name || m.Offset != want.bits || m.Type.TypeName() != want.typ {
			t.Errorf("member %d = %s at bit %d (%s), want %s at %d (%s)", i, m.Name, m.Offset, m.Type.TypeName(), want.name, want.bits, want.typ)
		}
	}
	if _, _, err := meta.EventTypeID("rb"); err == nil {
		t.Error("EventTypeID gave an id for custom members")
	}
}

// The upstream loader's invalid fixtures: overlapping members, unknown ids.
func TestEventTypeCustomMembersErrors(t *testing.T) {
	types, u32, _ := minimalTypes(t)
	for _, tc := range []struct{ members, want string }{
		{fmt.Sprintf(`[{"name":"pid","offset":0,"btf_type_id":%d},{"name":"ppid","offset":3,"btf_type_id":%d}]`, u32, u32),
			"package: map rb: custom member ppid at offset 3 overlaps the member before it (which ends at 4)"},
		{`[{"name":"pid","offset":0,"btf_type_id":99999}]`,
			"package: map rb: custom member pid: type id 99999 is not in the object's BTF"},
	} {
		_, _, err := customMeta(tc.members).EventType(types, "rb")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error %v, want it to start %q", err, tc.want)
		}
	}
}

// Without custom members, EventType resolves the id EventTypeID gives.
func TestEventTypeByID(t *testing.T) {
	types, u32, _ := minimalTypes(t)
	meta := &Meta{ExportTypes: []ExportType{{Name: "__u32", TypeID: int(u32)}}}
	typ, ok, err := meta.EventType(types, "any")
	if err != nil || !ok || typ.TypeName() != "__u32" {
		t.Fatalf("EventType = %v, %v, %v; want __u32", typ, ok, err)
	}
	if _, ok, err := (&Meta{}).EventType(types, "any"); ok || err != nil {
		t.Errorf("a package without export types exports %v (%v)", ok, err)
	}
}
