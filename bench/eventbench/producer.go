package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// producerComm is the thread name getpid.bpf.c traces; nothing else is counted.
const producerComm = "evbprod"

// produceFlag turns the binary into the producer child.
const produceFlag = "-produce"

// production is what one producer run did.
type production struct {
	calls   uint64
	elapsed time.Duration
}

func (p production) rate() float64 { return float64(p.calls) / p.elapsed.Seconds() }

// becomeTraced locks the goroutine to its thread and renames the thread so that
// getpid.bpf.c traces it. The goroutine must not unlock: the renamed thread should
// die with it rather than serve other goroutines.
func becomeTraced() error {
	runtime.LockOSThread()
	name := append([]byte(producerComm), 0)
	return unix.Prctl(unix.PR_SET_NAME, uintptr(unsafePointer(name)), 0, 0, 0)
}

// produce is the child's main: getpid in a loop on CPU 0 for d, then print
// "calls nanoseconds".
func produce(d time.Duration) error {
	if err := becomeTraced(); err != nil {
		return fmt.Errorf("name producer thread: %v", err)
	}
	var cpu0 unix.CPUSet
	cpu0.Set(0)
	if err := unix.SchedSetaffinity(0, &cpu0); err != nil {
		return fmt.Errorf("pin producer to CPU 0: %v", err)
	}
	var calls uint64
	start := time.Now()
	deadline := start.Add(d)
	for {
		for range 1024 {
			unix.Getpid()
		}
		calls += 1024
		if time.Now().After(deadline) {
			break
		}
	}
	fmt.Printf("%d %d\n", calls, time.Since(start).Nanoseconds())
	return nil
}

// producer runs the child; started tells the caller when the child exists, so
// CPU accounting can begin just before the first event.
func runProducer(d time.Duration, started func()) (production, error) {
	self, err := os.Executable()
	if err != nil {
		return production{}, err
	}
	cmd := exec.Command(self, produceFlag, d.String())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Start(); err != nil {
		return production{}, fmt.Errorf("start producer: %v", err)
	}
	if started != nil {
		started()
	}
	if err := cmd.Wait(); err != nil {
		return production{}, fmt.Errorf("producer: %v", err)
	}
	var p production
	var ns int64
	if _, err := fmt.Sscanf(out.String(), "%d %d", &p.calls, &ns); err != nil {
		return production{}, fmt.Errorf("producer printed %q: %v", out.String(), err)
	}
	p.elapsed = time.Duration(ns)
	return p, nil
}
