package main

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/cilium/ebpf"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == produceFlag {
		d, err := time.ParseDuration(os.Args[2])
		if err == nil {
			err = produce(d)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "eventbench producer:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "eventbench:", err)
		os.Exit(1)
	}
}

func run() error {
	obj := flag.String("obj", "", "getpid.bpf.o built from bench/testdata/getpid.bpf.c (required)")
	nomia := flag.String("nomia", "", "nomia binary; empty skips the nomia rows")
	pkg := flag.String("pkg", "", "package of getpid.bpf.c built by `nomia build` (needed with -nomia)")
	wasmGuest := flag.String("wasm", "", "guest built from bench/wasm by `nomia build --wasm` (needs -nomia); empty skips its rows")
	bpftrace := flag.String("bpftrace", "bpftrace", "bpftrace binary; empty or missing skips its row")
	d := flag.Duration("duration", 2*time.Second, "how long the producer runs per consumer")
	repeat := flag.Int("repeat", 3, "rounds over all consumers; each row reports the median round")
	flag.Parse()
	if *repeat < 1 {
		return fmt.Errorf("-repeat %d: need at least one round", *repeat)
	}
	if *obj == "" {
		return fmt.Errorf("-obj is required: build bench/testdata/getpid.bpf.c with clang (bench/run.sh does)")
	}
	spec, err := ebpf.LoadCollectionSpec(*obj)
	if err != nil {
		return fmt.Errorf("read %s: %v", *obj, err)
	}
	undo, err := ensureTracefs()
	if err != nil {
		return err
	}
	defer undo()

	type consumer struct {
		name string
		run  func() result
	}
	var consumers []consumer
	skip := func(name, why string) consumer {
		return consumer{name, func() result { return result{name: name, skipped: why} }}
	}
	consumers = append(consumers,
		consumer{floorRowName, func() result { return floor(spec, *d) }},
		consumer{"no reader (ceiling)", func() result { return ceiling(spec, *d) }},
		consumer{"bare ringbuf.Reader", func() result { return inProcess("bare ringbuf.Reader", spec, *d, bareReader) }},
		consumer{"events.Reader", func() result { return inProcess("events.Reader", spec, *d, eventsReader) }},
	)
	if *nomia != "" && *pkg != "" {
		for _, v := range []struct {
			name        string
			json, count bool
		}{{"nomia run -j >/dev/null", true, false}, {"nomia run >/dev/null", false, false}, {"nomia run -j, lines counted", true, true}} {
			consumers = append(consumers, consumer{v.name, func() result {
				return nomiaRun(v.name, *nomia, nomiaRunArgs(*pkg, v.json), v.count, *d)
			}})
		}
	} else {
		consumers = append(consumers, skip("nomia run", "no -nomia binary and -pkg package given"))
	}
	if *nomia != "" && *wasmGuest != "" {
		for _, v := range []struct {
			name  string
			count bool
		}{{wasmRowName, false}, {wasmRowName + ", lines counted", true}} {
			consumers = append(consumers, consumer{v.name, func() result {
				return nomiaRun(v.name, *nomia, nomiaRunArgs(*wasmGuest, false), v.count, *d)
			}})
		}
	} else {
		consumers = append(consumers, skip(wasmRowName, "no -nomia binary and -wasm guest given"))
	}
	if path, err := exec.LookPath(*bpftrace); *bpftrace != "" && err == nil {
		consumers = append(consumers, consumer{"bpftrace", func() result { return bpftraceRun(path, *d) }})
	} else {
		consumers = append(consumers, skip("bpftrace", "bpftrace not installed"))
	}

	// Rounds interleave the consumers so that a burst of load from elsewhere on
	// the machine hits all of them alike; each row is the median round.
	var alones []production
	runs := make([][]result, len(consumers))
	for round := range *repeat {
		alone, err := runProducer(*d, nil)
		if err != nil {
			return err
		}
		alones = append(alones, alone)
		fmt.Fprintf(os.Stderr, "round %d: producer alone %.2f M calls/s\n", round+1, alone.rate()/1e6)
		for i, c := range consumers {
			r := c.run()
			runs[i] = append(runs[i], r)
			if r.skipped != "" {
				fmt.Fprintf(os.Stderr, "  %s: skipped: %s\n", r.name, r.skipped)
			} else {
				fmt.Fprintf(os.Stderr, "  %s: %.2f M ev/s, %d dropped, %.3f µs CPU/event\n",
					r.name, r.rate()/1e6, r.drops(), float64(r.cpuPerEvent())/1e3)
			}
		}
	}
	rows := make([]result, len(consumers))
	for i := range consumers {
		rows[i] = median(runs[i])
	}
	printReport(os.Stdout, medianProduction(alones), rows, *d, *repeat)
	return nil
}

// median picks the round with the median delivered rate among those that ran.
func median(rs []result) result {
	var ran []result
	for _, r := range rs {
		if r.skipped == "" {
			ran = append(ran, r)
		}
	}
	if len(ran) == 0 {
		return rs[0]
	}
	slices.SortFunc(ran, func(a, b result) int { return cmp.Compare(a.rate(), b.rate()) })
	return ran[len(ran)/2]
}

func medianProduction(ps []production) production {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b production) int { return cmp.Compare(a.rate(), b.rate()) })
	return ps[len(ps)/2]
}
