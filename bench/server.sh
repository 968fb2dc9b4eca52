#!/bin/sh
# Server benchmarks (issue: programs running at once, RSS per program,
# start→first event latency), as root. Runs server's Go benchmarks and prints
# each daemon measure against its baseline measured in the same run: the same
# package started directly through the Go API in the benchmark's process
# (nomia.New → Start → Run), so the ratio is what the daemon (HTTP, JSON,
# SSE, supervisor) adds. Each benchmark runs $COUNT times (default 3) and the
# table shows medians, as other jobs may load the machine. $NOMIA_BENCH_PROGRAMS
# (default 256) and $NOMIA_BENCH_RINGBUF pass through to the benchmarks. Extra
# arguments go to `go test`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
count=${COUNT:-3}
bench() { pattern=$1 times=$2; shift 2; (cd "$root" && go test -run '^$' -bench "$pattern" -benchtime "$times" -count "$count" "$@" ./server) | grep '^Benchmark'; }
out=$(
	bench 'StartToFirstEvent' 30x "$@"
	bench 'RSSPerProgram' 3x "$@"
	bench 'ProgramsAtOnce' 1x "$@"
)
echo "$out"
echo "$out" | awk '
	# Every value of every unit, per benchmark: v[name, unit, i], n[name, unit].
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 3; i < NF; i += 2) v[name, $(i+1), ++n[name, $(i+1)]] = $i
	}
	# med returns the median of the values one benchmark reported in unit, "" when it did not run.
	function med(name, unit,   k, i, j, a, t) {
		k = n[name, unit]
		if (!k) return ""
		for (i = 1; i <= k; i++) a[i] = v[name, unit, i]
		for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
	}
	function row(what, d, g, scale, unit, fmt) {
		if (d == "" || g == "") return
		if (unit != "") unit = " " unit
		printf "| %s | " fmt "%s | " fmt "%s | %.2fx |\n", what, d/scale, unit, g/scale, unit, (g ? d/g : 0)
	}
	END {
		sd = med("BenchmarkStartToFirstEvent", "ns/op"); sg = med("BenchmarkStartToFirstEventDirect", "ns/op")
		rd = med("BenchmarkRSSPerProgram", "rss-bytes/program"); rg = med("BenchmarkRSSPerProgramDirect", "rss-bytes/program")
		d = "BenchmarkProgramsAtOnce"; g = d "Direct"
		nd = med(d, "programs/op"); ad = med(d, "rss-bytes/program"); fd = med(d, "fds/program"); td = med(d, "ns/op")
		ng = med(g, "programs/op"); ag = med(g, "rss-bytes/program"); fg = med(g, "fds/program"); tg = med(g, "ns/op")
		printf "\nmedians of %s runs\n", '"$count"'
		printf "\n| measure | daemon | direct (Go API) | daemon/direct |\n|---|---|---|---|\n"
		row("start → first event on a stream", sd, sg, 1e6, "ms", "%.1f")
		row("RSS per program, 32 running, full buffers", rd, rg, 1048576, "MiB", "%.2f")
		row("programs running at once, each delivering", nd, ng, 1, "", "%d")
		row("RSS per program, all of them running", ad, ag, 1024, "KiB", "%.0f")
		row("fds per program, all of them running", fd, fg, 1, "", "%.1f")
		row("start and stop all of them", td, tg, 1e9, "s", "%.1f")
	}'
