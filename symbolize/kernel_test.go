package symbolize

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// kallsymsEntry finds a symbol in /proc/kallsyms: its address and module
// column ("" for the core kernel). A module of "*" matches any module.
func kallsymsEntry(t *testing.T, name, module string) (addr uint64, mod string, ok bool) {
	t.Helper()
	f, err := os.Open(kallsyms)
	if err != nil {
		t.Skipf("no %s: %v", kallsyms, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || !isText(fields[1]) || (name != "" && fields[2] != name) {
			continue
		}
		mod = ""
		if len(fields) > 3 {
			mod = strings.Trim(fields[3], "[]")
		}
		if module == "*" && mod == "" || module != "*" && mod != module {
			continue
		}
		addr, _ = strconv.ParseUint(fields[0], 16, 64)
		if addr == 0 {
			t.Skipf("%s hides addresses from this user", kallsyms)
		}
		return addr, mod, true
	}
	return 0, "", false
}

// TestKernelSymbol resolves an address inside schedule() and
// do_sys_openat2().
func TestKernelSymbol(t *testing.T) {
	tab := NewWithOptions(Options{Offsets: true, Warn: func(msg string) { t.Errorf("warned: %s", msg) }})
	for _, name := range []string{"schedule", "do_sys_openat2"} {
		addr, _, ok := kallsymsEntry(t, name, "")
		if !ok {
			t.Errorf("%s is not in %s", name, kallsyms)
			continue
		}
		f := tab.Frames(0, true, []uint64{addr + 4})[0]
		if want := (Frame{Addr: addr + 4, Func: name, Offset: 4, Module: coreKernel}); f != want {
			t.Errorf("got %+v, want %+v", f, want)
		}
		if got := tab.Names(0, true, []uint64{addr + 4}); !slices.Equal(got, []string{name + "+0x4"}) {
			t.Errorf("Names: got %q, want %s+0x4", got, name)
		}
	}
}

// TestKernelModuleSymbol resolves a symbol that kallsyms lists with a module
// column (on a kernel without modules, the BPF dispatcher's "[bpf]").
func TestKernelModuleSymbol(t *testing.T) {
	addr, mod, ok := kallsymsEntry(t, "", "*")
	if !ok {
		t.Skip("kallsyms lists no module text symbols")
	}
	f := New().Frames(0, true, []uint64{addr})[0]
	if f.Module != mod || f.Offset != 0 || f.Func == "" {
		t.Errorf("got %+v, want a function at offset 0 of module %s", f, mod)
	}
}

// TestKernelHidden: a kallsyms that shows only zero addresses, as it does
// to a reader without CAP_SYSLOG, names nothing and warns once.
func TestKernelHidden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kallsyms")
	listing := "0000000000000000 T _text\n0000000000000000 t do_sys_openat2\n0000000000000000 t bpf_dispatcher_xdp\t[bpf]\n"
	if err := os.WriteFile(path, []byte(listing), 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	tab := NewWithOptions(Options{Warn: func(msg string) { warnings = append(warnings, msg) }})
	tab.kallsymsPath = path
	for range 2 {
		if got := tab.Names(0, true, []uint64{0xffffffff816b7434, 0}); !slices.Equal(got, []string{Unknown, Unknown}) {
			t.Errorf("got %q, want two %s", got, Unknown)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "kptr_restrict") {
		t.Errorf("warnings %q, want one naming kptr_restrict", warnings)
	}
}

// TestReadKallsyms checks parsing: text symbols only, the module column,
// aliases at one address, and where each symbol ends.
func TestReadKallsyms(t *testing.T) {
	listing := `ffffffff81000000 T _stext
ffffffff81000000 T _text
ffffffff81000100 D some_data
ffffffff81000200 t helper
ffffffffc0025e00 t bpf_dispatcher_xdp	[bpf]
`
	tab, err := readKallsyms(strings.NewReader(listing))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr uint64
		want Frame
	}{
		{0xffffffff81000000, Frame{Func: "_stext", Module: coreKernel}},
		{0xffffffff81000150, Frame{Func: "_stext", Offset: 0x150, Module: coreKernel}},
		{0xffffffff81000201, Frame{Func: "helper", Offset: 1, Module: coreKernel}},
		{0xffffffffc0025e08, Frame{Func: "bpf_dispatcher_xdp", Offset: 8, Module: "bpf"}},
		{0xffffffff80000000, Frame{}},
	} {
		c.want.Addr = c.addr
		if got := kernelFrame(tab, c.addr); got != c.want {
			t.Errorf("%#x: got %+v, want %+v", c.addr, got, c.want)
		}
	}
}
