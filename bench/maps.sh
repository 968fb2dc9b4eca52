#!/bin/sh
# Map printing benchmarks (issue: maps, histograms and stacks), as root. Runs
# mapview's Go benchmarks and prints each against baselines measured in the
# same run: the bare batch read of the same 10k-key map (the floor: no
# decoding, sorting or text) and `bpftool map dump` of it (what a user would
# run without nomia). Extra arguments go to `go test` (e.g. -benchtime 50x).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$root" && go test -run '^$' -bench 'Table10k|Log2Hist64' -benchmem "$@" ./mapview)
echo "$out" | grep '^Benchmark'
echo "$out" | awk '
	/^BenchmarkTable10k-/        { t = $3 }
	/^BenchmarkTable10kRead-/    { r = $3 }
	/^BenchmarkTable10kBpftool-/ { b = $3 }
	/^BenchmarkLog2Hist64-/      { h = $3 }
	END {
		printf "\n| measure | nomia | baseline | ratio |\n|---|---|---|---|\n"
		if (t && r) printf "| print 10k-key table vs bare batch read | %.1f ms | %.1f ms | %.1fx |\n", t/1e6, r/1e6, t/r
		if (t && b) printf "| print 10k-key table vs bpftool map dump | %.1f ms | %.1f ms | %.2fx |\n", t/1e6, b/1e6, t/b
		if (h) printf "| print one 64-slot log2 histogram | %.1f us | - | - |\n", h/1e3
	}'
