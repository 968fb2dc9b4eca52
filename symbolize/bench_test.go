package symbolize

import (
	"os"
	"testing"
)

// benchAddrs is how many addresses each benchmark resolves per iteration.
const benchAddrs = 10_000

// BenchmarkKernel names 10k kernel addresses spread over kallsyms, with the
// symbols already loaded.
func BenchmarkKernel(b *testing.B) {
	syms, err := openKallsyms(kallsyms)
	if err != nil {
		b.Skip(err)
	}
	addrs := make([]uint64, benchAddrs)
	for i := range addrs {
		addrs[i] = syms[i*len(syms)/benchAddrs].start + uint64(i%64)
	}
	tab := New()
	tab.Names(0, true, addrs[:1])
	b.ResetTimer()
	for b.Loop() {
		tab.Names(0, true, addrs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchAddrs), "ns/addr")
}

// BenchmarkKernelLoad measures the first kernel lookup: reading and sorting
// /proc/kallsyms.
func BenchmarkKernelLoad(b *testing.B) {
	if _, err := os.Stat(kallsyms); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		New().Names(0, true, []uint64{0})
	}
}

// userAddrs spreads benchAddrs addresses over the executable mappings of a
// running test target (its executable, libnomiasym.so, libc, ld.so, vdso).
func userAddrs(b *testing.B) (pid int, addrs []uint64) {
	bt := buildTarget(b, build{pie: true})
	tg := start(b, bt.exe, bt.libDir)
	maps, err := readMaps(tg.pid)
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchAddrs {
		m := maps[i%len(maps)]
		addrs = append(addrs, m.start+uint64(i*4099)%(m.end-m.start))
	}
	return tg.pid, addrs
}

// BenchmarkUser names 10k user addresses of a running process, with its
// maps and files already read.
func BenchmarkUser(b *testing.B) {
	pid, addrs := userAddrs(b)
	tab := New()
	tab.Names(pid, false, addrs)
	b.ResetTimer()
	for b.Loop() {
		tab.Names(pid, false, addrs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchAddrs), "ns/addr")
}

// BenchmarkUserCold names the same addresses with a new Table each time:
// reading the maps and parsing every mapped ELF file, libc included.
func BenchmarkUserCold(b *testing.B) {
	pid, addrs := userAddrs(b)
	for b.Loop() {
		New().Names(pid, false, addrs)
	}
}
