package eventtype

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

// TestLibbpfTools runs Infer on every unmodified libbpf-tools program of a bcc
// checkout: NOMIA_LIBBPF_TOOLS=/path/to/bcc/libbpf-tools. Each event map must get a
// struct whose size clang itself confirms: the tool's source is compiled again with
// a global `char[sizeof(STRUCT)]` appended, and that symbol's size is compared.
func TestLibbpfTools(t *testing.T) {
	dir := os.Getenv("NOMIA_LIBBPF_TOOLS")
	if dir == "" {
		t.Skip("NOMIA_LIBBPF_TOOLS is unset: point it at a bcc libbpf-tools directory to run this")
	}
	sources, err := filepath.Glob(filepath.Join(dir, "*.bpf.c"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no *.bpf.c in %s (%v)", dir, err)
	}
	flags := []string{"-I" + dir, "-I" + filepath.Join(dir, "x86")}
	// Tools whose event struct is known by name.
	known := map[string]string{
		"execsnoop": "struct event", "opensnoop": "struct event", "tcpstates": "struct event",
		"biosnoop": "struct event", "exitsnoop": "struct event", "sigsnoop": "struct event",
	}
	for _, src := range sources {
		tool := strings.TrimSuffix(filepath.Base(src), ".bpf.c")
		t.Run(tool, func(t *testing.T) {
			t.Parallel()
			obj := compileBPF(t, src, flags...)
			spec, err := loadSpec(obj)
			if err != nil {
				t.Fatal(err)
			}
			var eventMaps []string
			for name, m := range spec.Maps {
				if m.Type == ebpf.RingBuf || m.Type == ebpf.PerfEventArray {
					eventMaps = append(eventMaps, name)
				}
			}
			results, err := Infer(obj, nil)
			if err != nil {
				t.Fatalf("Infer: %v", err)
			}
			if len(results) != len(eventMaps) {
				t.Fatalf("results %+v, want one per event map %v", results, eventMaps)
			}
			for _, r := range results {
				if want, ok := known[tool]; ok && r.Struct != want {
					t.Errorf("map %s: got %s, want %s", r.Map, r.Struct, want)
				}
				if size := clangSizeof(t, src, r.Struct, flags); size != r.Size {
					t.Errorf("map %s: %s is %d bytes by clang, Infer says %d", r.Map, r.Struct, size, r.Size)
				}
				t.Logf("%s: %s (%d bytes) — %s", r.Map, r.Struct, r.Size, r.Evidence)
			}
		})
	}
}

// clangSizeof asks clang for sizeof(typ) in the context of src.
func clangSizeof(t *testing.T, src, typ string, flags []string) int {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "sizeof.bpf.c")
	abs, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	code := fmt.Sprintf("#include %q\n__attribute__((used)) char nomia_sizeof_probe[sizeof(%s)];\n", abs, typ)
	if err := os.WriteFile(probe, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := compileBPF(t, probe, flags...)
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == "nomia_sizeof_probe" {
			return int(s.Size)
		}
	}
	t.Fatalf("sizeof probe symbol missing for %s", typ)
	return 0
}
