package globals

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/bpfpkg"
)

// fakeSpec builds a CollectionSpec holding only variables, as the ELF reader
// would, so flag handling can be tested without compiling.
func fakeSpec(vars ...*ebpf.VariableSpec) *ebpf.CollectionSpec {
	spec := &ebpf.CollectionSpec{Variables: map[string]*ebpf.VariableSpec{}, ByteOrder: binary.LittleEndian}
	for _, v := range vars {
		spec.Variables[v.Name] = v
	}
	return spec
}

func variable(name, section string, off uint32, t btf.Type, value []byte) *ebpf.VariableSpec {
	vs := &ebpf.VariableSpec{Name: name, SectionName: section, Offset: off, Value: value}
	if t != nil { // an object built without BTF has no type
		vs.Type = &btf.Var{Name: name, Type: t}
	}
	return vs
}

func testSpec() *ebpf.CollectionSpec {
	return fakeSpec(
		variable("counter", ".bss", 0, tU64T, make([]byte, 8)),
		variable("verbose", ".rodata", 8, &btf.Const{Type: &btf.Volatile{Type: tBoolT}}, []byte{0}),
		variable("targ_pid", ".rodata", 0, tCVPid, []byte{7, 0, 0, 0}),
		variable("comm", ".rodata", 16, tCVComm, []byte("init\x00\x00\x00\x00")),
		variable("mode", ".data", 0, tMode, []byte{1, 0, 0, 0}),
		variable("cfg", ".rodata.cfg", 0, tStruct, make([]byte, 8)),
		variable("__eunomia_dummy_event_ptr", ".rodata", 24, tPtr, make([]byte, 8)),
		variable("CONFIG_HZ", ".kconfig", 0, tU32, make([]byte, 4)),
		variable("untyped", ".data", 4, nil, make([]byte, 4)),
	)
}

func testMeta() *bpfpkg.Meta {
	return &bpfpkg.Meta{Skel: bpfpkg.Skel{DataSections: []bpfpkg.DataSection{
		{Name: ".rodata", Variables: []bpfpkg.Variable{
			{Name: "targ_pid", Type: "pid_t", Description: "trace only this process",
				CmdArg: &bpfpkg.CmdArg{Long: "pid", Short: "p"}},
			{Name: "verbose", Type: "bool", CmdArg: &bpfpkg.CmdArg{Help: "print more", Short: "vv"}},
		}},
		// eunomia files name only .rodata and .bss: a .data variable described
		// under .bss must still find its doc.
		{Name: ".bss", Variables: []bpfpkg.Variable{{Name: "mode", Type: "enum mode", Description: "what to count"}}},
	}}}
}

func TestList(t *testing.T) {
	vars, err := List(testSpec(), testMeta())
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Section, CType, Doc, Default, Long, Short string }
	want := []row{
		{"targ_pid", ".rodata", "pid_t", "trace only this process", "7", "pid", "p"},
		{"verbose", ".rodata", "bool", "print more", "false", "verbose", "vv"},
		{"comm", ".rodata", "char[8]", "", "init", "comm", ""},
		{"cfg", ".rodata.cfg", "struct cfg", "", "", "cfg", ""},
		{"mode", ".data", "enum mode", "what to count", "MODE_B", "mode", ""},
		{"counter", ".bss", "__u64", "", "0", "counter", ""},
	}
	if len(vars) != len(want) {
		t.Fatalf("List returned %d vars, want %d: %+v", len(vars), len(want), vars)
	}
	for i, v := range vars {
		got := row{v.Name, v.Section, v.CType, v.Doc, v.Default, v.Long, v.Short}
		if got != want[i] {
			t.Errorf("var %d = %+v, want %+v", i, got, want[i])
		}
		if (v.Unsupported != nil) != (v.Name == "cfg") {
			t.Errorf("%s: Unsupported = %v", v.Name, v.Unsupported)
		}
	}
}

func TestListWithoutMeta(t *testing.T) {
	vars, err := List(testSpec(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if vars[0].Name != "targ_pid" || vars[0].Long != "targ_pid" || vars[0].Short != "" || vars[0].Doc != "" {
		t.Fatalf("first var without meta = %+v", vars[0])
	}
}

// registered lists the flags, their usage and types, to check help output.
func registered(t *testing.T, args ...string) (*pflag.FlagSet, *Values, *ebpf.CollectionSpec) {
	t.Helper()
	spec := testSpec()
	vars, err := List(spec, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	// A flag of the CLI itself, registered first, that a global collides with.
	fs.Bool("verbose", false, "nomia's own verbose flag")
	vals := Register(fs, vars)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return fs, vals, spec
}

func TestRegisterHelp(t *testing.T) {
	fs, _, _ := registered(t)
	for _, tc := range []struct{ flag, short, typ, usage string }{
		{"pid", "p", "pid_t", "trace only this process (pid_t, default 7)"},
		{"var-verbose", "", "bool", "print more (bool, default false)"},
		{"comm", "", "char[8]", `global variable comm (char[8], default "init")`},
		{"mode", "", "enum mode", "what to count (enum mode, default MODE_B)"},
		{"counter", "", "__u64", "global variable counter (__u64, default 0)"},
		{"cfg", "", "struct cfg", "global variable cfg (struct cfg, unsupported: cannot be set from the command line)"},
	} {
		f := fs.Lookup(tc.flag)
		if f == nil {
			t.Errorf("no flag --%s", tc.flag)
			continue
		}
		if f.Shorthand != tc.short || f.Value.Type() != tc.typ || f.Usage != tc.usage {
			t.Errorf("--%s: short %q type %q usage %q; want %q %q %q", tc.flag, f.Shorthand, f.Value.Type(), f.Usage, tc.short, tc.typ, tc.usage)
		}
	}
	for _, gone := range []string{"__eunomia_dummy_event_ptr", "CONFIG_HZ", "targ_pid"} {
		if fs.Lookup(gone) != nil {
			t.Errorf("unexpected flag --%s", gone)
		}
	}
	if help := fs.FlagUsages(); strings.Contains(help, "(default ") {
		t.Errorf("pflag repeats the default:\n%s", help)
	}
}

func TestApply(t *testing.T) {
	_, vals, spec := registered(t, "-p", "-42", "--var-verbose", "--comm", "nomia", "--mode=MODE_C")
	if got := strings.Join(vals.Changed(), ","); got != "targ_pid,verbose,comm,mode" {
		t.Errorf("Changed = %s", got)
	}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{
		"targ_pid": {0xd6, 0xff, 0xff, 0xff},
		"verbose":  {1},
		"comm":     []byte("nomia\x00\x00\x00"),
		"mode":     {5, 0, 0, 0},
		"counter":  make([]byte, 8), // not set: keeps the object's value
	} {
		if got := spec.Variables[name].Value; !bytes.Equal(got, want) {
			t.Errorf("%s = %x, want %x", name, got, want)
		}
	}
}

func TestBoolFlagFalse(t *testing.T) {
	_, vals, spec := registered(t, "--var-verbose=false")
	spec.Variables["verbose"].Value = []byte{1}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}
	if got := spec.Variables["verbose"].Value; !bytes.Equal(got, []byte{0}) {
		t.Fatalf("verbose = %x after --var-verbose=false", got)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--pid", "99999999999"}, `invalid argument "99999999999" for "-p, --pid" flag: value 99999999999 out of range for pid_t (-2147483648..2147483647)`},
		{[]string{"--mode", "MODE_X"}, `invalid argument "MODE_X" for "--mode" flag: invalid value "MODE_X" for enum mode: want one of MODE_A, MODE_B, MODE_C, or a number`},
		{[]string{"--cfg", "1"}, `invalid argument "1" for "--cfg" flag: cannot set struct cfg from the command line: structs are not supported (initialize it in the C source)`},
	} {
		vars, _ := List(testSpec(), testMeta())
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		fs.SetOutput(new(bytes.Buffer))
		Register(fs, vars)
		err := fs.Parse(tc.args)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) error:\n got %v\nwant %s", tc.args, err, tc.want)
		}
	}
}

func TestValuesSet(t *testing.T) {
	spec := testSpec()
	vars, _ := List(spec, nil)
	vals := Register(pflag.NewFlagSet("api", pflag.ContinueOnError), vars)
	if err := vals.Set("counter", "0x10"); err != nil {
		t.Fatal(err)
	}
	err := vals.Set("nope", "1")
	if want := `unknown global "nope": the object has targ_pid, verbose, comm, cfg, mode, counter`; err == nil || err.Error() != want {
		t.Errorf("Set(nope) error = %v, want %s", err, want)
	}
	err = vals.Set("comm", "much too long")
	if want := `global comm: value "much too long" too long for char[8]: at most 7 bytes (one is kept for the NUL)`; err == nil || err.Error() != want {
		t.Errorf("Set(comm) error = %v, want %s", err, want)
	}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}
	if got := spec.Variables["counter"].Value; !bytes.Equal(got, []byte{0x10, 0, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("counter = %x", got)
	}
	if got := spec.Variables["comm"].Value; !bytes.Equal(got, []byte("init\x00\x00\x00\x00")) {
		t.Errorf("comm changed by a failed Set: %q", got)
	}

	// Applying to an object that lacks the variable names it.
	delete(spec.Variables, "counter")
	err = vals.Apply(spec)
	if want := "global counter is not in the object: was it removed or declared static?"; err == nil || err.Error() != want {
		t.Errorf("Apply error = %v, want %s", err, want)
	}
}

// TestApplyBigEndian checks that a big-endian object gets big-endian bytes,
// unlike eunomia-bpf, which wrote floats in the wrong order.
func TestApplyBigEndian(t *testing.T) {
	spec := fakeSpec(variable("ratio", ".rodata", 0, tFloat, make([]byte, 4)), variable("n", ".rodata", 4, tU32T, make([]byte, 4)))
	spec.ByteOrder = binary.BigEndian
	vals := Register(pflag.NewFlagSet("api", pflag.ContinueOnError), must(List(spec, nil)))
	if err := vals.Set("ratio", "1.5"); err != nil {
		t.Fatal(err)
	}
	if err := vals.Set("n", "0x01020304"); err != nil {
		t.Fatal(err)
	}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}
	if got := spec.Variables["ratio"].Value; !bytes.Equal(got, []byte{0x3f, 0xc0, 0, 0}) {
		t.Errorf("ratio = %x, want 3fc00000", got)
	}
	if got := spec.Variables["n"].Value; !bytes.Equal(got, []byte{1, 2, 3, 4}) {
		t.Errorf("n = %x, want 01020304", got)
	}
}

func TestRegisterAllNamesTaken(t *testing.T) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.String("x", "", "")
	fs.String("var-x", "", "")
	vals := Register(fs, []Var{{Name: "x", Long: "x", Type: tU32T, CType: "__u32"}})
	// No flag is possible, but the Go API can still set it.
	if err := vals.Set("x", "1"); err != nil {
		t.Fatal(err)
	}
}

// TestRegisterKeepsHelp checks that a global named help, or with -h as its
// short name, does not swallow pflag's help.
func TestRegisterKeepsHelp(t *testing.T) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	Register(fs, []Var{{Name: "help", Long: "help", Short: "h", Type: tU32T, CType: "__u32"}})
	if fs.Lookup("var-help") == nil || fs.Lookup("help") != nil || fs.ShorthandLookup("h") != nil {
		t.Fatalf("global help registered as %v", fs.Lookup("help"))
	}
	for _, arg := range []string{"--help", "-h"} {
		if err := fs.Parse([]string{arg}); err != pflag.ErrHelp {
			t.Errorf("Parse(%s) = %v, want pflag.ErrHelp", arg, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestListWideScalars checks that globals Parse cannot encode (__int128, a
// 16-byte long double, arrays of them) are listed as unsupported, with the
// reason, rather than as settable flags without a default.
func TestListWideScalars(t *testing.T) {
	spec := fakeSpec(
		variable("wide", ".bss", 0, tInt128, make([]byte, 16)),
		variable("ld", ".bss", 16, tLongD, make([]byte, 16)),
		variable("wides", ".bss", 32, &btf.Array{Index: tU32, Type: tInt128, Nelems: 2}, make([]byte, 32)),
	)
	vars, err := List(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"wide":  "cannot set __int128 from the command line: 16-byte integers are not supported",
		"ld":    "cannot set long double from the command line: 16-byte floats are not supported",
		"wides": "cannot set __int128[2] from the command line: arrays of this element type are not supported",
	}
	if len(vars) != len(want) {
		t.Fatalf("List returned %d vars, want %d", len(vars), len(want))
	}
	for _, v := range vars {
		if v.Unsupported == nil || !strings.HasPrefix(v.Unsupported.Error(), want[v.Name]) {
			t.Errorf("%s: Unsupported = %v, want %q…", v.Name, v.Unsupported, want[v.Name])
		}
		if u := usage(v); !strings.Contains(u, "unsupported") {
			t.Errorf("%s: usage %q does not say it cannot be set", v.Name, u)
		}
	}
}
