package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
)

// lineCounter counts the lines written through it.
type lineCounter struct{ n atomic.Uint64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(uint64(bytes.Count(p, []byte{'\n'})))
	return len(p), nil
}

// nomiaRunArgs is the command line of `nomia run [-j] target`: a package or a
// WASM guest, which the same measurement serves.
func nomiaRunArgs(target string, jsonOut bool) []string {
	args := []string{"run", "--duration", "10m"}
	if jsonOut {
		args = append(args, "-j")
	}
	return append(args, target)
}

// nomiaRun measures `nomia ARGS` (see nomiaRunArgs) with stdout to /dev/null
// (or, with countLines, into a line counter that verifies delivery).
func nomiaRun(name, bin string, args []string, countLines bool, d time.Duration) result {
	res := result{name: name}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	lines := &lineCounter{}
	if countLines {
		cmd.Stdout = lines
	} else {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			res.skipped = err.Error()
			return res
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}

	scan := newMapScanner()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.skipped = fmt.Sprintf("start %s: %v", bin, err)
		return res
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	fail := func(format string, a ...any) result {
		_ = cmd.Process.Kill()
		<-exited
		res.skipped = fmt.Sprintf(format, a...) + oneLine(stderr.String())
		return res
	}

	var cm *ebpf.Map
	attach, err := probeUntil(start, 10*time.Second, func() (bool, error) {
		select {
		case err := <-exited:
			exited <- err
			return false, fmt.Errorf("nomia exited before attaching (%v)", err)
		default:
		}
		if cm == nil {
			if cm = scan.find(countsMap); cm == nil {
				return false, nil
			}
		}
		c, err := readCounts(cm)
		return c.attempts > 0, err
	})
	if cm != nil {
		defer cm.Close()
	}
	if err != nil {
		return fail("%v: ", err)
	}
	res.attach = attach
	time.Sleep(300 * time.Millisecond) // let the probe's own events drain

	c0, err := readCounts(cm)
	if err != nil {
		return fail("%v: ", err)
	}
	lines0 := lines.n.Load()
	var cpu0 time.Duration
	res.prod, err = runProducer(d, func() { cpu0, _ = procCPU(cmd.Process.Pid) })
	if err != nil {
		return fail("%v: ", err)
	}
	c1, err := readCounts(cm)
	if err != nil {
		return fail("%v: ", err)
	}
	c := c1.minus(c0)
	want := c.attempts - c.failed
	if countLines {
		deadline := time.Now().Add(drainTimeout)
		for lines.n.Load()-lines0 < want && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	} else {
		// No output to watch: give the reader several MaxLatency periods.
		time.Sleep(500 * time.Millisecond)
	}
	cpu1, _ := procCPU(cmd.Process.Pid)
	res.cpu = cpu1 - cpu0
	res.rssKiB = vmHWM(cmd.Process.Pid)

	stopAt := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		err = <-exited
		res.note = "did not exit within 10s of SIGINT"
	}
	res.exit = time.Since(stopAt)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.rssKiB = max(res.rssKiB, ru.Maxrss) // KiB on Linux
	}
	if err != nil && res.note == "" {
		res.note = fmt.Sprintf("exit: %v", err)
	}
	res.failed = c.failed
	if countLines {
		res.delivered, res.verified = lines.n.Load()-lines0, true
	} else {
		res.delivered = want // what the kernel handed over; /dev/null cannot confirm it
	}
	res.reported = lossLines(stderr.String())
	if c.attempts != res.prod.calls {
		res.note = strings.TrimPrefix(res.note+fmt.Sprintf("; program saw %d calls, producer made %d", c.attempts, res.prod.calls), "; ")
	}
	return res
}

// lossLines picks what a runner printed about lost events.
func lossLines(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(strings.ToLower(l), "lost") || strings.Contains(strings.ToLower(l), "drop") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "; ")
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
