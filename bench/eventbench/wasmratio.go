package main

import (
	"fmt"
	"io"
	"strings"
)

// wasmRowName names the rows that run the bench/wasm guest under `nomia run`.
const wasmRowName = "nomia run getpid.wasm"

// targetWASMShare is the target: a guest gets at least half the
// events per second that native `nomia run -j` delivers on the same producer.
const targetWASMShare = 0.5

// wasmPairs names each WASM row with the native row it is measured against:
// /dev/null against /dev/null, counted lines against counted lines.
var wasmPairs = [][2]string{
	{wasmRowName, "nomia run -j >/dev/null"},
	{wasmRowName + ", lines counted", "nomia run -j, lines counted"},
}

// printWASMRatios writes, for each WASM row that ran beside its native row,
// the guest's share of native delivery, CPU per event, producer slowdown and
// peak RSS, all from the same run.
func printWASMRatios(w io.Writer, alone production, rows []result) {
	byName := map[string]result{}
	for _, r := range rows {
		if r.skipped == "" {
			byName[r.name] = r
		}
	}
	header := false
	for _, p := range wasmPairs {
		g, gok := byName[p[0]]
		n, nok := byName[p[1]]
		if !gok || !nok || n.rate() == 0 {
			continue
		}
		if !header {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "| WASM guest vs native | ev/s | CPU/ev | producer slowdown | peak RSS | ≥ 50 % of native ev/s |")
			fmt.Fprintln(w, "|---|---|---|---|---|---|")
			header = true
		}
		fmt.Fprintf(w, "| %s / %s | %s | %s | %s | %s | %s |\n",
			strings.TrimPrefix(p[0], "nomia run "), strings.TrimPrefix(p[1], "nomia run "),
			share(g.rate(), n.rate()), share(float64(g.cpuPerEvent()), float64(n.cpuPerEvent())),
			share(alone.rate()/g.prod.rate(), alone.rate()/n.prod.rate()),
			share(float64(g.rssKiB), float64(n.rssKiB)), check(g.rate() >= targetWASMShare*n.rate()))
	}
}

// share is a/b as a percentage, or a dash when b is unknown.
func share(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*a/b)
}
