package main

import (
	"fmt"
	"io"
	"sort"

	"nomia.dev/nomia"
)

// printIters prints what each iterator program writes. An iterator runs once per
// read, so its output is a snapshot taken right after attach.
func printIters(w io.Writer, inst *nomia.Instance) error {
	iters := inst.Running().Iters()
	names := make([]string, 0, len(iters))
	for name := range iters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out, err := iters[name].Read()
		if err != nil {
			return fmt.Errorf("iterator %s: %v", name, err)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// onlyIters reports whether every attached program is an iterator and no map
// delivers events, so that the run is complete once the iterators were read.
func onlyIters(inst *nomia.Instance) bool {
	r := inst.Running()
	return len(inst.EventMaps()) == 0 && len(r.Iters()) == len(r.Attached)
}
