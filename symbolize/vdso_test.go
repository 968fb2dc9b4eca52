package symbolize

import (
	"bytes"
	"debug/elf"
	"os"
	"slices"
	"testing"
)

// TestVDSO names a function of the vDSO, which exists only in memory, at an
// address this test works out from the image's own dynamic symbols.
func TestVDSO(t *testing.T) {
	maps, err := readMaps(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(maps, func(m mapping) bool { return m.path == vdso })
	if i < 0 {
		t.Skip("this process has no vDSO mapping")
	}
	m := maps[i]
	image := make([]byte, m.end-m.start)
	mem, err := os.Open("/proc/self/mem")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if _, err := mem.ReadAt(image, int64(m.start)); err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(image))
	if err != nil {
		t.Fatalf("the vDSO is not ELF: %v", err)
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var gettime elf.Symbol
	for _, s := range syms {
		if s.Name == "__vdso_clock_gettime" {
			gettime = s
		}
	}
	if gettime.Value == 0 || f.Progs[0].Type != elf.PT_LOAD || f.Progs[0].Vaddr != f.Progs[0].Off {
		t.Skip("no __vdso_clock_gettime, or the vDSO is not laid out as on x86-64")
	}
	got := New().Frames(os.Getpid(), false, []uint64{m.start + gettime.Value + 2})[0]
	// clock_gettime is an alias of __vdso_clock_gettime; either name is right.
	if got.Func != "__vdso_clock_gettime" && got.Func != "clock_gettime" || got.Offset != 2 || got.Module != vdso {
		t.Errorf("got %+v, want __vdso_clock_gettime+2 in %s", got, vdso)
	}
}
