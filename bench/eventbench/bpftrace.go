package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// bpftraceScript prints the fields of struct event (seq aside: bpftrace has no
// cheap per-event counter) for the producer's getpid calls.
const bpftraceScript = `tracepoint:syscalls:sys_enter_getpid /comm == "` + producerComm + `"/ {
	printf("%llu %llu %d %d %d %d %d %s\n", nsecs, cgroup, pid, tid, uid, gid, cpu, comm);
}`

// bpftraceRun measures bpftrace printing the same events into a line counter.
func bpftraceRun(bin string, d time.Duration) result {
	res := result{name: "bpftrace", verified: true}
	cmd := exec.Command(bin, "-e", bpftraceScript)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	cmd.Stdout = pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.skipped = fmt.Sprintf("start %s: %v", bin, err)
		return res
	}
	pw.Close()
	var events, lostReported atomic.Uint64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line != "" && line[0] >= '0' && line[0] <= '9':
				events.Add(1)
			case strings.HasPrefix(line, "Lost "):
				if f := strings.Fields(line); len(f) > 1 {
					n, _ := strconv.ParseUint(f[1], 10, 64)
					lostReported.Add(n)
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	attach, err := probeUntil(start, 30*time.Second, func() (bool, error) { return events.Load() > 0, nil })
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		res.skipped = fmt.Sprintf("bpftrace: %v: %s", err, oneLine(stderr.String()))
		return res
	}
	res.attach = attach
	time.Sleep(300 * time.Millisecond)
	events0, lost0 := events.Load(), lostReported.Load()
	var cpu0 time.Duration
	res.prod, err = runProducer(d, func() { cpu0, _ = procCPU(cmd.Process.Pid) })
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		res.skipped = err.Error()
		return res
	}
	deadline := time.Now().Add(drainTimeout)
	for events.Load()-events0+lostReported.Load()-lost0 < res.prod.calls && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cpu1, _ := procCPU(cmd.Process.Pid)
	res.cpu = cpu1 - cpu0
	stopAt := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	res.exit = time.Since(stopAt)
	<-readDone
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.rssKiB = ru.Maxrss
	}
	res.delivered = events.Load() - events0
	if n := lostReported.Load() - lost0; n > 0 {
		res.reported = fmt.Sprintf("%d lost", n)
	}
	return res
}
