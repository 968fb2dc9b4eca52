#!/usr/bin/env bash
# compat/eunomia.sh DIR
#
# Runs every eunomia-bpf package under DIR (each *.json file with a
# "bpf_object", e.g. the gh-pages branch's */package.json and
# bpf-loader-rs/bpf-loader-lib/assets/*.json of eunomia-bpf/eunomia-bpf) with
# `nomia run --duration` under a light workload, and prints a Markdown table:
# package, result, first line of output (or the one-line error). Run it as
# root from anywhere in the nomia checkout.
#
# Environment: NOMIA_COMPAT_DURATION (default 3s) is how long each package
# runs; NOMIA (default: built from this checkout) is the nomia binary.
#
# Results: "events" when it printed at least one line below its header, "ok"
# when it ran to the end silently (bpf_printk programs, maps without a printer
# yet), "refused" when this kernel refuses its hook (fentry, lsm, kprobe),
# "no programs" for loader test fixtures that hold only data, "FAIL" otherwise.
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 DIR  (a directory holding eunomia-bpf package.json files)" >&2
	exit 2
fi
DIR=$(cd "$1" && pwd)
DURATION=${NOMIA_COMPAT_DURATION:-3s}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d -t nomia-eunomia.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ -z "${NOMIA:-}" ]; then
	NOMIA=$WORK/nomia
	(cd "$ROOT" && CGO_ENABLED=0 go build -o "$NOMIA" ./cmd/nomia) || { echo "go build ./cmd/nomia failed" >&2; exit 1; }
fi

# workload makes the events of eunomia's example packages happen until the
# run with pid $1 ends: exec/exit (bootstrap), opens (opensnoop), kill
# (sigsnoop), TCP state changes (tcpstates), bash's readline (bashreadline),
# packets on lo (tc, xdp).
workload() {
	sleep 1 # let nomia attach first
	while kill -0 "$1" 2>/dev/null; do
		/bin/true
		cat /etc/hostname /nonexistent-nomia >/dev/null 2>&1
		kill -0 $$
		{ exec 3<>/dev/tcp/127.0.0.1/1; } 2>/dev/null
		ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
		printf 'echo nomia-readline\nexit\n' | script -qc 'bash --norc --noprofile -i' /dev/null >/dev/null 2>&1
		sleep 0.2
	done
}

# cell makes text fit a Markdown table cell: one line, pipes escaped, short.
cell() {
	printf '%s' "$1" | tr '\n\t' '  ' | tr -s ' ' | cut -c1-140 | sed 's/|/\\|/g'
}

run_one() {
	local pkg=$1 name=${1#"$DIR"/} rc result first
	timeout 60 "$NOMIA" run --duration "$DURATION" "$pkg" >"$WORK/out" 2>"$WORK/err" &
	local pid=$!
	workload "$pid" >/dev/null 2>&1 &
	local wl=$!
	wait "$pid"
	rc=$?
	wait "$wl"
	first=$(grep -v -m1 -e '^TIME ' -e '^$' "$WORK/out")
	if [ "$rc" != 0 ]; then
		first=$(grep '^nomia: ' "$WORK/err" | tail -1 | sed 's/^nomia: //')
		case $first in
		*"refuses BPF trampoline"* | *"kprobes are not available"* | *"do not exist on this kernel"*) result=refused ;;
		*"has no programs to run"*) result="no programs" ;;
		*) result="FAIL (exit $rc)" ;;
		esac
	elif grep -q -e ' : count  *distribution' -e '^@' "$WORK/out"; then
		result=maps
		first=$(grep -m1 -B1 ' : count  *distribution' "$WORK/out" | head -1)
	elif [ -n "$first" ]; then
		result=events
	else
		result=ok
	fi
	echo "| $name | $result | $(cell "$first") |"
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "$0: run as root: nomia loads eBPF programs" >&2
		exit 2
	fi
	echo "| package | result | first line of output, or the error |"
	echo "|---|---|---|"
	while IFS= read -r pkg; do
		grep -q '"bpf_object"' "$pkg" && run_one "$pkg"
	done < <(find "$DIR" -name '*.json' -type f | sort)
}

main
