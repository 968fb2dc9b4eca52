#!/bin/sh
# Server benchmarks (issue: programs running at once, RSS per program,
# start→first event latency), as root. Runs server's Go benchmarks and prints
# each daemon measure against its baseline measured in the same run: the same
# package started directly through the Go API in the benchmark's process
# (nomia.New → Start → Run), so the ratio is what the daemon (HTTP, JSON,
# SSE, supervisor) adds. $NOMIA_BENCH_PROGRAMS (default 256) and
# $NOMIA_BENCH_RINGBUF pass through to the benchmarks. Extra arguments go to
# `go test` (e.g. -count 3).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench() { pattern=$1 times=$2; shift 2; (cd "$root" && go test -run '^$' -bench "$pattern" -benchtime "$times" "$@" ./server) | grep '^Benchmark'; }
out=$(
	bench 'StartToFirstEvent' 30x "$@"
	bench 'RSSPerProgram' 3x "$@"
	bench 'ProgramsAtOnce' 1x "$@"
)
echo "$out"
echo "$out" | awk '
	# metric returns the value before unit on the current line.
	function metric(unit,   i) { for (i = 3; i < NF; i++) if ($(i+1) == unit) return $i; return "" }
	/^BenchmarkStartToFirstEvent-/         { sd = metric("ns/op") }
	/^BenchmarkStartToFirstEventDirect-/   { sg = metric("ns/op") }
	/^BenchmarkRSSPerProgram-/             { rd = metric("rss-bytes/program") }
	/^BenchmarkRSSPerProgramDirect-/       { rg = metric("rss-bytes/program") }
	/^BenchmarkProgramsAtOnce-/            { nd = metric("programs/op"); ad = metric("rss-bytes/program"); fd = metric("fds/program"); td = metric("ns/op") }
	/^BenchmarkProgramsAtOnceDirect-/      { ng = metric("programs/op"); ag = metric("rss-bytes/program"); fg = metric("fds/program"); tg = metric("ns/op") }
	function row(what, d, g, scale, unit, fmt) {
		if (d == "" || g == "") return
		if (unit != "") unit = " " unit
		printf "| %s | " fmt "%s | " fmt "%s | %.2fx |\n", what, d/scale, unit, g/scale, unit, (g ? d/g : 0)
	}
	END {
		printf "\n| measure | daemon | direct (Go API) | daemon/direct |\n|---|---|---|---|\n"
		row("start → first event on a stream", sd, sg, 1e6, "ms", "%.1f")
		row("RSS per program, 32 running, full buffers", rd, rg, 1048576, "MiB", "%.2f")
		row("programs running at once, each delivering", nd, ng, 1, "", "%d")
		row("RSS per program, all of them running", ad, ag, 1024, "KiB", "%.0f")
		row("fds per program, all of them running", fd, fg, 1, "", "%.1f")
		row("start and stop all of them", td, tg, 1e9, "s", "%.1f")
	}'
