#!/bin/sh
# Builds the benchmark producer (bench/testdata/getpid.bpf.c), eventbench and, when
# the tree has a working CLI, nomia plus a package of the same program and the
# WASM guest of bench/wasm that embeds it; then runs
# eventbench as root and prints its Markdown table. Extra arguments go to
# eventbench (e.g. -duration 3s -repeat 5). Set KEEP=dir to keep the build there.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${KEEP:-}" ]; then
	out=$KEEP
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi

bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$out/vmlinux.h"
clang -O2 -g -target bpf -I"$out" -c "$root/bench/testdata/getpid.bpf.c" -o "$out/getpid.bpf.o"
(cd "$root" && go build -o "$out/eventbench" ./bench/eventbench)

set -- -obj "$out/getpid.bpf.o" "$@"
# Built as scripts/demo and deploy/Dockerfile build it: static, no cgo.
if (cd "$root" && CGO_ENABLED=0 go build -o "$out/nomia" ./cmd/nomia) 2>"$out/nomia-build.log"; then
	if "$out/nomia" build -o "$out/getpid.json" "$root/bench/testdata/getpid.bpf.c"; then
		set -- -nomia "$out/nomia" -pkg "$out/getpid.json" "$@"
		# The WASM guest (bench/wasm) embeds the same producer program.
		mkdir -p "$out/wasm"
		cp "$root/bench/wasm/main.c" "$root/bench/testdata/getpid.bpf.c" "$out/wasm/"
		if "$out/nomia" build --wasm "$out/wasm" 2>"$out/wasm-build.log"; then
			set -- -wasm "$out/wasm/getpid.wasm" "$@"
		else
			echo "run.sh: nomia build --wasm of bench/wasm failed: skipping the WASM rows ($(tail -n 1 "$out/wasm-build.log"))" >&2
		fi
	else
		echo "run.sh: nomia build of getpid.bpf.c failed: skipping the nomia rows" >&2
	fi
else
	echo "run.sh: ./cmd/nomia does not build: skipping the nomia rows ($(tail -n 1 "$out/nomia-build.log"))" >&2
fi
"$out/eventbench" "$@"
