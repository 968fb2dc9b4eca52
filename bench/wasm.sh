#!/bin/sh
# Host call cost of the WASM host (package wasm): a map lookup made by a C
# guest through the wasm_bpf ABI against the same lookup made from Go with
# cilium/ebpf, and records per second into C and Go guests, from the
# benchmarks in wasm/bench_test.go; prints each and the host call's ratio to
# the native lookup measured in the same run. Needs root. Extra arguments go
# to go test (e.g. -count 5). Delivery against `nomia run -j` on the real
# producer is eventbench's "nomia run getpid.wasm" row: sh bench/run.sh.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
go test -run '^$' -bench 'HostCall|MapLookupNative|RecordsIntoGuest' -benchtime 2s "$@" ./wasm |
	tee /dev/stderr |
	awk '
	# Medians would need sorting; the mean of -count runs is enough here.
	/^BenchmarkHostCall\/map_lookup/ { for (i = 1; i < NF; i++) if ($(i+1) == "ns/call") { host += $i; nh++ } }
	/^BenchmarkMapLookupNative/      { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op")   { nat += $i; nn++ } }
	END {
		if (nh == 0 || nn == 0) { print "wasm.sh: missing HostCall/map_lookup or MapLookupNative results" > "/dev/stderr"; exit 1 }
		printf "\nhost call map_lookup %.0f ns, native cilium/ebpf lookup %.0f ns: %.2fx, %.0f ns of WASM host overhead per call\n",
			host / nh, nat / nn, (host / nh) / (nat / nn), host / nh - nat / nn
	}'
