package bpfpkg

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// minimalObject compiles testdata/minimal.bpf.c, the smallest real BPF object.
func minimalObject(t testing.TB) []byte {
	t.Helper()
	return bpftest.Object(t, "testdata/minimal.bpf.c", bpftest.Options{})
}

func envelopeJSON(t testing.TB, obj []byte, size int, meta string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(obj)
	zw.Close()
	b64, _ := json.Marshal(base64.StdEncoding.EncodeToString(z.Bytes()))
	return []byte(`{"bpf_object":` + string(b64) + `,"bpf_object_size":` + itoa(size) + `,"meta":` + meta + `}`)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestRoundTrip(t *testing.T) {
	obj := minimalObject(t)
	pkg := &Package{Object: obj, Meta: Meta{Skel: Skel{ObjName: "minimal_bpf",
		Progs: []Prog{{Name: "count", Attach: "socket", Link: true}}}}}
	data, err := pkg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// eunomia-bpf cannot read null arrays, so none may be written.
	if bytes.Contains(data, []byte("null")) {
		t.Errorf("marshalled package contains null:\n%s", data)
	}
	if os.Getenv("NOMIA_UPDATE_TESTDATA") != "" {
		// The fuzz seed corpus starts from this real package.
		if err := os.WriteFile("testdata/minimal.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Object, obj) {
		t.Error("object changed in the round trip")
	}
	if back.Meta.Skel.ObjName != "minimal_bpf" || back.Meta.Skel.Progs[0].Attach != "socket" {
		t.Errorf("meta changed: %+v", back.Meta.Skel)
	}
	spec, err := back.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if spec.Programs["count"] == nil || spec.Maps["counts"] == nil {
		t.Errorf("spec lacks program or map: %v %v", spec.Programs, spec.Maps)
	}
}

func TestNullArraysReadAsEmpty(t *testing.T) {
	obj := minimalObject(t)
	meta := `{"bpf_skel":{"obj_name":"x","data_sections":null,"maps":null,"progs":null},"export_types":null}`
	pkg, err := Parse(envelopeJSON(t, obj, len(obj), meta))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Meta.ExportTypes) != 0 || len(pkg.Meta.Skel.Progs) != 0 {
		t.Errorf("null arrays not empty: %+v", pkg.Meta)
	}
}

func TestMalformed(t *testing.T) {
	obj := minimalObject(t)
	meta := `{"bpf_skel":{"obj_name":"x"}}`
	good := envelopeJSON(t, obj, len(obj), meta)
	for _, tc := range []struct {
		name, data, want string
	}{
		{"not json", `{"bpf_object": `, "not valid JSON"},
		{"no object", `{"meta":{}}`, `no "bpf_object" key`},
		{"no size", `{"bpf_object":"eA==","meta":{}}`, `no "bpf_object_size" key`},
		{"bad base64", `{"bpf_object":"%%%","bpf_object_size":10,"meta":{}}`, "not standard base64"},
		{"not zlib", `{"bpf_object":"aGVsbG8=","bpf_object_size":5,"meta":{}}`, "not zlib data"},
		{"size mismatch", string(envelopeJSON(t, obj, len(obj)+1, meta)), "bpf_object_size says"},
		{"negative size", `{"bpf_object":"","bpf_object_size":-1,"meta":{}}`, "out of range"},
		{"truncated elf", string(envelopeJSON(t, obj[:100], 100, meta)), "not an ELF file"},
		{"not bpf elf", string(envelopeJSON(t, hostELF(t), len(hostELF(t)), meta)), "not for BPF"},
		{"no meta", strings.Replace(string(good), `"meta":`+meta, `"meta":null`, 1), `no "meta" object`},
		{"bad meta", strings.Replace(string(good), `"meta":`+meta, `"meta":{"bpf_skel":3}`, 1), "meta is malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tc.want)
			}
		})
	}
}

// hostELF returns the start of a real non-BPF ELF file: the test binary itself.
func hostELF(t testing.TB) []byte {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEventTypeID(t *testing.T) {
	m := Meta{ExportTypes: []ExportType{{Name: "event", TypeID: 7}}}
	if id, ok, err := m.EventTypeID("events"); id != 7 || !ok || err != nil {
		t.Errorf("single export: %d %v %v", id, ok, err)
	}
	m.EnableMultipleExportTypes = true
	m.Skel.Maps = []Map{
		{Name: "a", ExportConfig: json.RawMessage(`{"btf_type_id": 9}`)},
		{Name: "b", ExportConfig: json.RawMessage(`"no_export"`)},
		{Name: "c", ExportConfig: json.RawMessage(`"default"`)},
		{Name: "d", ExportConfig: json.RawMessage(`"bogus"`)},
	}
	for _, tc := range []struct {
		m   string
		id  int
		ok  bool
		err bool
	}{{"a", 9, true, false}, {"b", 0, false, false}, {"c", 7, true, false}, {"d", 0, false, true}, {"none", 7, true, false}} {
		id, ok, err := m.EventTypeID(tc.m)
		if id != tc.id || ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("%s: got %d %v %v", tc.m, id, ok, err)
		}
	}
}

// TestReadFileErrors checks that a file that cannot be read gives one line
// naming it once, with a hint, and still matches fs.ErrNotExist when missing.
func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := dir + "/nope.json"
	for _, path := range []string{missing, dir} {
		_, err := ReadFile(path)
		if err == nil {
			t.Fatalf("ReadFile(%s) succeeded", path)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "package: cannot read "+path+": ") || strings.Count(msg, path) != 1 ||
			strings.Contains(msg, "\n") || !strings.Contains(msg, "check the path") {
			t.Errorf("ReadFile(%s): error %q: want one line \"package: cannot read PATH: …\" naming the path once, with a hint", path, msg)
		}
	}
	if _, err := ReadFile(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(%s): error %v does not match fs.ErrNotExist", missing, err)
	}
}
