package globals

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/bpfpkg"
)

// cmdargSpec mirrors eunomia-bpf's arg_builder_test package: an int with a
// cmdarg default and one-character short name, bools with and without
// defaults, a string with a default.
func cmdargSpec() (*ebpf.CollectionSpec, *bpfpkg.Meta) {
	spec := fakeSpec(
		variable("const_val_1", ".rodata", 0, tInt, make([]byte, 4)),
		variable("boolflag", ".rodata", 4, tBoolT, []byte{0}),
		variable("on_by_default", ".rodata", 5, tBoolT, []byte{0}),
		variable("off_by_default", ".rodata", 6, tBoolT, []byte{1}),
		variable("comm", ".rodata", 8, tCVComm, make([]byte, 8)),
	)
	arg := func(def, long, short string) *bpfpkg.CmdArg {
		return &bpfpkg.CmdArg{Default: json.RawMessage(def), Long: long, Short: short}
	}
	meta := &bpfpkg.Meta{Skel: bpfpkg.Skel{DataSections: []bpfpkg.DataSection{{Name: ".rodata", Variables: []bpfpkg.Variable{
		{Name: "const_val_1", Type: "int", CmdArg: arg("12345", "cv1", "1")},
		{Name: "boolflag", Type: "bool"},
		{Name: "on_by_default", Type: "bool", CmdArg: arg("true", "", "")},
		{Name: "off_by_default", Type: "bool", CmdArg: arg("false", "", "")},
		{Name: "comm", Type: "char[8]", CmdArg: arg(`"bash"`, "", "c")},
	}}}}}
	return spec, meta
}

// applyArgs lists, registers, parses args and applies them to a fresh spec.
func applyArgs(t *testing.T, args ...string) (*pflag.FlagSet, *ebpf.CollectionSpec) {
	t.Helper()
	spec, meta := cmdargSpec()
	vars, err := List(spec, meta)
	if err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("prog", pflag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	vals := Register(fs, vars)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}
	return fs, spec
}

func TestCmdargDefaultsApplyWithoutFlags(t *testing.T) {
	fs, spec := applyArgs(t)
	want := map[string][]byte{
		"const_val_1":    binary.LittleEndian.AppendUint32(nil, 12345),
		"boolflag":       {0},
		"on_by_default":  {1},
		"off_by_default": {0},
		"comm":           []byte("bash\x00\x00\x00\x00"),
	}
	checkValues(t, spec, want)
	if u := fs.Lookup("cv1").Usage; !strings.Contains(u, "default 12345") {
		t.Errorf("--cv1 usage %q does not show the cmdarg default", u)
	}
}

func TestCmdargShortAndSwitches(t *testing.T) {
	_, spec := applyArgs(t, "-1", "7", "-c", "sh", "--boolflag",
		"--disable-on_by_default", "--enable-off_by_default")
	want := map[string][]byte{
		"const_val_1":    {7, 0, 0, 0},
		"boolflag":       {1},
		"on_by_default":  {0},
		"off_by_default": {1},
		"comm":           []byte("sh\x00\x00\x00\x00\x00\x00"),
	}
	checkValues(t, spec, want)
}

// checkValues compares the bytes of spec's variables with want.
func checkValues(t *testing.T, spec *ebpf.CollectionSpec, want map[string][]byte) {
	t.Helper()
	for name, w := range want {
		if got := spec.Variables[name].Value; !bytes.Equal(got, w) {
			t.Errorf("%s = %x, want %x", name, got, w)
		}
	}
}

func TestSwitchesAreHidden(t *testing.T) {
	fs, _ := applyArgs(t)
	if f := fs.Lookup("enable-boolflag"); f == nil || !f.Hidden {
		t.Fatalf("--enable-boolflag: %+v, want a hidden flag", f)
	}
	if help := fs.FlagUsages(); strings.Contains(help, "enable-") || strings.Contains(help, "disable-") {
		t.Errorf("help lists the eunomia switches:\n%s", help)
	}
}

func TestCmdargDefaultMismatch(t *testing.T) {
	spec, meta := cmdargSpec()
	meta.Skel.DataSections[0].Variables[0].CmdArg.Default = json.RawMessage(`"many"`)
	_, err := List(spec, meta)
	want := `global const_val_1: the package's cmdarg default "many" does not fit int`
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("List error = %v, want one line starting %q", err, want)
	}
}
