package globals

import (
	"bytes"
	"math"
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/internal/bpftest"
)

// TestKernel sets globals of several types through flags, loads the object
// into the kernel, runs it once and reads back what the program saw.
func TestKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("loading BPF programs needs root")
	}
	spec := bpftest.Compile(t, "testdata/globals.bpf.c")

	vars, err := List(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{ // name → C type, default
		"targ_pid": {"pid_t", "0"}, "min_ns": {"__u64", "1000"}, "verbose": {"bool", "false"},
		"mode": {"enum mode", "MODE_B"}, "comm": {"char[16]", "init"}, "ratio": {"float", "0.5"},
		"ports": {"__u32[4]", "80,443"}, "small": {"__s8", "-3"}, "cfg": {"struct cfg", ""},
		"start": {"__u32", "7"}, "out_pid": {"pid_t", "0"},
	}
	seen := map[string]bool{}
	for i, v := range vars {
		seen[v.Name] = true
		if w, ok := want[v.Name]; ok && (v.CType != w[0] || v.Default != w[1]) {
			t.Errorf("%s: type %q default %q, want %q %q", v.Name, v.CType, v.Default, w[0], w[1])
		}
		if i == 0 && v.Name != "targ_pid" {
			t.Errorf("first global is %s, want targ_pid (.rodata, declaration order)", v.Name)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("global %s not listed", name)
		}
	}

	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	vals := Register(fs, vars)
	err = fs.Parse([]string{"--targ_pid", "-1234", "--verbose", "--mode", "MODE_C",
		"--comm", "nomia", "--ratio", "2.25", "--ports", "1,2,0x3", "--start", "0x10"})
	if err != nil {
		t.Fatal(err)
	}
	if err := vals.Apply(spec); err != nil {
		t.Fatal(err)
	}

	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	defer coll.Close()
	ret, err := coll.Programs["copy_globals"].Run(&ebpf.RunOptions{Data: make([]byte, 64)})
	if err != nil {
		t.Fatalf("BPF_PROG_TEST_RUN: %v", err)
	}
	if ret != 0 {
		t.Fatalf("program returned %d", ret)
	}

	var (
		pid     int32
		minNs   uint64
		verbose uint8
		mode    uint32
		comm    [16]byte
		ratio   uint32
		ports   [4]uint32
		small   int8
		start   uint32
	)
	for name, out := range map[string]any{
		"out_pid": &pid, "out_min_ns": &minNs, "out_verbose": &verbose, "out_mode": &mode,
		"out_comm": &comm, "out_ratio_bits": &ratio, "out_ports": &ports, "out_small": &small,
		"out_start": &start,
	} {
		if err := coll.Variables[name].Get(out); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	}
	if pid != -1234 {
		t.Errorf("targ_pid = %d, want -1234", pid)
	}
	if verbose != 1 {
		t.Errorf("verbose = %d, want 1", verbose)
	}
	if mode != 5 {
		t.Errorf("mode = %d, want 5 (MODE_C)", mode)
	}
	if got := string(bytes.TrimRight(comm[:], "\x00")); got != "nomia" {
		t.Errorf("comm = %q, want nomia", got)
	}
	if got := math.Float32frombits(ratio); got != 2.25 {
		t.Errorf("ratio = %v (bits %#x), want 2.25", got, ratio)
	}
	if ports != [4]uint32{1, 2, 3, 0} {
		t.Errorf("ports = %v, want [1 2 3 0]", ports)
	}
	if start != 0x10 { // the program adds cfg.a - 1 = 0
		t.Errorf("start = %d, want 16", start)
	}
	// Not set on the command line: the object's initial values.
	if minNs != 1000 {
		t.Errorf("min_ns = %d, want the initial 1000", minNs)
	}
	if small != -3 {
		t.Errorf("small = %d, want the initial -3", small)
	}
}
