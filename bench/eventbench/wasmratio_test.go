package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

// The ratio table compares each WASM row with its own native row of the same
// run, and judges the 50 % target on ev/s.
func TestWASMRatiosAgainstNative(t *testing.T) {
	sec := production{calls: 4_000_000, elapsed: time.Second}
	alone := production{calls: 8_000_000, elapsed: time.Second}
	rows := []result{
		{name: "nomia run -j >/dev/null", prod: sec, delivered: 2_000_000, cpu: 600 * time.Millisecond, rssKiB: 20 << 10},
		{name: wasmRowName, prod: production{calls: 2_000_000, elapsed: time.Second}, delivered: 1_000_000, cpu: time.Second, rssKiB: 22 << 10},
		{name: "nomia run -j, lines counted", prod: sec, delivered: 2_000_000},
		{name: wasmRowName + ", lines counted", prod: sec, delivered: 900_000},
	}
	var out strings.Builder
	printWASMRatios(&out, alone, rows)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, rule and 2 rows, got:\n%s", out.String())
	}
	// 1 M of 2 M ev/s; 1 µs against 0.3 µs per event; slowdown 4× against 2×; 22 of 20 MiB.
	if want := "| getpid.wasm / -j >/dev/null | 50 % | 333 % | 200 % | 110 % | met |"; lines[2] != want {
		t.Errorf("row = %q, want %q", lines[2], want)
	}
	if !strings.HasSuffix(lines[3], "| 45 % | – | 100 % | – | MISSED |") {
		t.Errorf("counted row = %q: want 45 %%, no CPU or RSS ratio, MISSED", lines[3])
	}
}

// A WASM row whose native row did not run prints nothing to compare.
func TestWASMRatiosNeedTheNativeRow(t *testing.T) {
	var out strings.Builder
	printWASMRatios(&out, production{calls: 1, elapsed: time.Second}, []result{
		{name: wasmRowName, prod: production{calls: 1, elapsed: time.Second}, delivered: 1},
		{name: "nomia run -j >/dev/null", skipped: "no nomia"},
	})
	if out.Len() != 0 {
		t.Errorf("printed %q without a native row", out.String())
	}
}

func Example_printWASMRatios() {
	sec := production{calls: 2_000_000, elapsed: time.Second}
	printWASMRatios(os.Stdout, sec, []result{
		{name: "nomia run -j >/dev/null", prod: sec, delivered: 2_000_000},
		{name: wasmRowName, prod: sec, delivered: 1_200_000},
	})
	// Output:
	// | WASM guest vs native | ev/s | CPU/ev | producer slowdown | peak RSS | ≥ 50 % of native ev/s |
	// |---|---|---|---|---|---|
	// | getpid.wasm / -j >/dev/null | 60 % | – | 100 % | – | met |
}
