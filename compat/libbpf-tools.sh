#!/usr/bin/env bash
# compat/libbpf-tools.sh DIR [TOOL...]
#
# Builds every DIR/*.bpf.c of iovisor/bcc's libbpf-tools (or only the TOOLs
# named) with `nomia build -I DIR`, runs each with `nomia run --duration` while
# a workload makes its events happen, and prints a Markdown table: tool, build,
# run, output lines, note. Run it as root from anywhere in the nomia checkout.
#
# Environment: NOMIA_COMPAT_DURATION (default 3s) is how long each tool runs;
# NOMIA_COMPAT_KEEP=1 keeps the work directory (packages, outputs) and names it.
#
# A tool "passes" when it builds, runs to the end with exit 0 and prints at
# least one line below its header. Map-only tools (no event type) that print
# nothing are "no output (maps)". A tool the kernel cannot run must end with one
# line saying why; that line is the note.
set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 LIBBPF_TOOLS_DIR [TOOL...]  (a checkout of iovisor/bcc's libbpf-tools)" >&2
	exit 2
fi
DIR=$(cd "$1" && pwd)
shift
DURATION=${NOMIA_COMPAT_DURATION:-3s}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# Disk IO must reach a block device for the bio tools: /var/tmp is not tmpfs.
WORK=$(mktemp -d -p /var/tmp nomia-compat.XXXXXX)
LISTENER=
cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	if [ "${NOMIA_COMPAT_KEEP:-}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Per-tool settings: extra build flags, runner flags (before the package) and
# program flags (after it, the tool's globals). Everything not listed runs bare.
declare -A BUILD_FLAGS=(
	# nomia builds with -mcpu=v3; with 32-bit subregisters the verifier loses
	# do_sample's bound on cpu. libbpf-tools' Makefile uses clang's default.
	[cpufreq]="--cflags -mcpu=v1"
)
declare -A RUNNER_FLAGS=(
	[bashreadline]="--binary /bin/bash"
	# Their own user space turns these off when tracepoint block/block_io_start
	# exists (and block_rq_insert without -Q): the tp_btf programs do the work.
	[biosnoop]="--skip blk_account_io_start --skip blk_account_io_merge_bio --skip block_rq_insert"
	[biostacks]="--skip blk_account_io_start --skip blk_account_io_done --skip blk_account_io_merge_bio"
	# Its user space attaches both probes to each of libc's three resolvers.
	[gethostlatency]="$(for p in handle_entry handle_return; do for f in getaddrinfo gethostbyname gethostbyname2; do printf -- '--attach %s=libc.so.6:%s ' $p $f; done; done)"
	# Kernel mode (its default without -p): the allocator uprobes stay
	# unattached. Its user space sums outstanding bytes per stack; nomia
	# prints the largest outstanding allocations with their stacks.
	[memleak]="--map allocs --top 10"
)
declare -A PROGRAM_FLAGS=(
	# libbpf-tools' runqslower sets min_us to 10 ms in user space; 0 would print
	# every wakeup of the machine.
	[runqslower]="--min_us 1000"
)
# Why a tool cannot run here whatever its flags: shown as its note.
declare -A WHY_NOT=(
	[javagc]="needs USDT probes of a running JVM (bpf/usdt.bpf.h)"
	[fsdist]="its user space points the dummy_* programs at a file system's functions at run time"
	[fsslower]="its user space points the dummy_* programs at a file system's functions at run time"
	[funclatency]="its user space points the dummy_* programs at a function named on its command line"
	[ksnoop]="its user space points the kprobe/foo programs at functions named on its command line"
	[drsnoop]="direct reclaim needs memory pressure, which the workload does not make"
	[cpufreq]="this VM has no cpufreq driver, so tp_btf/cpu_frequency never fires and do_sample finds no frequency"
)

go_build() {
	(cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/nomia" ./cmd/nomia) || { echo "go build ./cmd/nomia failed" >&2; exit 1; }
	clang -O1 -pthread -o "$WORK/contend" "$ROOT/compat/testdata/contend.c" || { echo "clang compat/testdata/contend.c failed" >&2; exit 1; }
}

# listener accepts TCP connections on 127.0.0.1 and closes each after reading
# a line, so that connects go through every state (tcplife, tcpstates). A
# client that sends nothing must not stall it: reads time out.
start_listener() {
	python3 - "$WORK/port" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.settimeout(0.2)
    try:
        c.recv(64)
    except OSError:
        pass
    c.close()
EOF
	LISTENER=$!
	for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
	PORT=$(cat "$WORK/port")
}

# One round of the generic workload: something for every event tool.
workload_round() {
	# sync first and in the background: syncsnoop traces its entry at once,
	# while the sync itself may wait seconds on writeback when other work
	# (parallel test packages in CI) keeps the disk busy.
	sync &
	local syncer=$!
	# exec and exit, one failing
	for _ in 1 2 3; do /bin/true; done
	sh -c 'exit 3'
	# open (one failing) and stat
	cat /etc/hostname /nonexistent-nomia >/dev/null 2>&1
	stat /etc/passwd "$WORK" >/dev/null
	# signals. A TERM that lands between bash's fork and the exec of sleep
	# can be lost, which once stalled a round for the whole sleep and left the
	# tools after this step with no event in their 3 s: KILL cannot be lost.
	sleep 5 &
	kill -TERM $! 2>/dev/null
	kill -KILL $! 2>/dev/null
	wait $! 2>/dev/null
	kill -0 $$
	# mount and umount of a tmpfs in a private mount namespace
	unshare -m sh -c "mount -t tmpfs nomia-compat '$WORK/mnt' && umount '$WORK/mnt'"
	# name lookups through libc: getaddrinfo, then gethostbyname2
	getent ahosts localhost >/dev/null
	getent hosts localhost >/dev/null
	# TCP to the loopback listener
	for _ in 1 2; do
		{ exec 3<>"/dev/tcp/127.0.0.1/$PORT" && echo hi >&3 && exec 3>&-; } 2>/dev/null
	done
	# disk IO that reaches the device (dd fsyncs), then the sync is reaped
	dd if=/dev/zero of="$WORK/io" bs=64k count=16 oflag=direct conv=fsync status=none
	dd if="$WORK/io" of=/dev/null bs=64k iflag=direct status=none
	wait "$syncer"
	# off-CPU time and wakeups
	sleep 0.05
	# futex contention: threads fighting over one pthread mutex
	"$WORK/contend"
}

# workload runs until the tool's run ends (its pid exits).
workload() {
	local tool=$1 pid=$2
	sleep 0.5 # let nomia attach first
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$tool" = bashreadline ]; then
			echo 'echo nomia-readline' | bash -i >/dev/null 2>&1
		fi
		workload_round >/dev/null 2>&1
	done
}

# last_error is the last "nomia:" line of a stderr file: the one-line error.
last_error() {
	grep '^nomia: ' "$1" | tail -1 | sed 's/^nomia: //'
}

# cell escapes text for a Markdown table cell and cuts it at 300 characters:
# the full error is in the kept work directory.
cell() {
	local s
	s=$(printf '%s' "$1" | tr '\n' ' ' | sed 's/|/\\|/g')
	[ ${#s} -gt 300 ] && s="${s:0:300}…"
	printf '%s' "$s"
}

# build_one builds DIR/TOOL.bpf.c into WORK/TOOL.json.
build_one() {
	# shellcheck disable=SC2086 # the flag table holds word lists
	"$WORK/nomia" build ${BUILD_FLAGS[$1]:-} -I "$DIR" -o "$WORK/$1.json" "$DIR/$1.bpf.c" >"$WORK/$1.build" 2>&1
	echo $? >"$WORK/$1.build.rc"
}

# run_one runs one built tool under the workload and prints its table row.
run_one() {
	local tool=$1 rc lines note run
	if [ "$(cat "$WORK/$tool.build.rc")" != 0 ]; then
		note=$(grep -m1 -E 'error|nomia:' "$WORK/$tool.build" | sed 's/^nomia: //')
		[ -n "${WHY_NOT[$tool]:-}" ] && note="${WHY_NOT[$tool]}: $note"
		echo "| $tool | FAIL | - | - | $(cell "$note") |"
		return
	fi
	# shellcheck disable=SC2086 # the flag tables hold word lists
	timeout 60 "$WORK/nomia" run ${RUNNER_FLAGS[$tool]:-} --duration "$DURATION" "$WORK/$tool.json" ${PROGRAM_FLAGS[$tool]:-} \
		>"$WORK/$tool.out" 2>"$WORK/$tool.err" &
	local pid=$!
	workload "$tool" "$pid" &
	local wl=$!
	wait "$pid"
	rc=$?
	wait "$wl"
	# Output lines below the table header (JSON output would have none).
	lines=$(grep -vc '^TIME ' "$WORK/$tool.out")
	if [ "$rc" != 0 ]; then
		note=$(last_error "$WORK/$tool.err")
		case $note in
		*"refuses BPF trampoline"* | *"kprobes are not available"* | *"do not exist on this kernel"*) run="refused" ;;
		*) run="FAIL (exit $rc)" ;;
		esac
		[ -n "${WHY_NOT[$tool]:-}" ] && note="${WHY_NOT[$tool]}: $note"
	else
		run=ok
		if [ "$lines" -gt 0 ]; then
			note="pass"
		elif grep -q ' 0 event types)' "$WORK/$tool.build"; then
			note="no output (maps)"
		else
			note="no events under the workload"
		fi
		[ -n "${WHY_NOT[$tool]:-}" ] && note="$note: ${WHY_NOT[$tool]}"
		skipped=$(grep -c '^nomia: skipped ' "$WORK/$tool.err")
		[ "$skipped" -gt 0 ] && note="$note; skipped $skipped program(s) whose hook this kernel lacks"
	fi
	echo "| $tool | ok | $run | $lines | $(cell "$note") |"
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "$0: run as root: nomia loads eBPF programs" >&2
		exit 2
	fi
	local tools=("$@")
	if [ ${#tools[@]} -eq 0 ]; then
		for f in "$DIR"/*.bpf.c; do
			t=${f##*/}
			tools+=("${t%.bpf.c}")
		done
	fi
	for t in "${tools[@]}"; do
		[ -f "$DIR/$t.bpf.c" ] || { echo "$0: no $DIR/$t.bpf.c" >&2; exit 2; }
	done
	go_build
	# Builds are independent: run them in parallel (before any other background
	# job, so that wait waits for builds only), then the tools one by one so that
	# each sees the whole machine's events and only its own workload.
	for t in "${tools[@]}"; do
		build_one "$t" &
		while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
	done
	wait
	mkdir -p "$WORK/mnt"
	start_listener
	echo "| tool | build | run | output lines | note |"
	echo "|---|---|---|---|---|"
	local pass=0
	for t in "${tools[@]}"; do
		row=$(run_one "$t")
		echo "$row"
		case $row in *"| pass"*) pass=$((pass + 1)) ;; esac
	done
	echo
	echo "$pass of ${#tools[@]} tools printed output (nomia $(cd "$ROOT" && git rev-parse --short HEAD), kernel $(uname -r), --duration $DURATION)."
}

main "$@"
