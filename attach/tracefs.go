package attach

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// tracefsDir is where EnsureTracefs mounts tracefs.
const tracefsDir = "/sys/kernel/tracing"

var tracefsMu sync.Mutex

// EnsureTracefs mounts tracefs at /sys/kernel/tracing when it is not mounted (root) —
// a fresh machine has none and tracepoints cannot attach without it — or returns a
// one-line error saying to run `mount -t tracefs nodev /sys/kernel/tracing`.
//
// Call it before the first tracefs use of the process: cilium/ebpf looks for
// tracefs once and remembers a failure.
func EnsureTracefs() error {
	tracefsMu.Lock()
	defer tracefsMu.Unlock()
	if tracefsMounted() {
		return nil
	}
	hint := "run `mount -t tracefs nodev " + tracefsDir + "` as root"
	if os.Geteuid() != 0 {
		return fmt.Errorf("tracefs is not mounted and nomia is not root: %s", hint)
	}
	if err := unix.Mount("nodev", tracefsDir, "tracefs", 0, ""); err != nil {
		return fmt.Errorf("tracefs is not mounted and mounting it at %s failed (%v): %s", tracefsDir, err, hint)
	}
	return nil
}

// tracefsMounted reports whether a tracefs (or a debugfs holding one) is mounted
// anywhere, which is what cilium/ebpf accepts.
func tracefsMounted() bool {
	var st unix.Statfs_t
	if unix.Statfs(tracefsDir, &st) == nil && st.Type == unix.TRACEFS_MAGIC {
		return true
	}
	return mountPoint("tracefs") != ""
}

// needTracefs calls EnsureTracefs when a probe kind has no perf PMU and cilium/ebpf
// will fall back to tracefs (kprobe_events / uprobe_events).
func needTracefs(pmu string) error {
	if _, err := os.Stat("/sys/bus/event_source/devices/" + pmu); err == nil {
		return nil
	}
	return EnsureTracefs()
}
