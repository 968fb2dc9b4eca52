package bpftest

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// NoLeaks records the kernel's program and link IDs now and, when the test ends,
// fails it if a program named in names (or a link to one) appeared and is still
// there. Names filter out programs that other processes load meanwhile; the
// kernel keeps the first 15 bytes of a program's name.
func NoLeaks(t testing.TB, names ...string) {
	t.Helper()
	before := programIDs(t)
	ours := map[string]bool{}
	for _, n := range names {
		ours[truncate(n)] = true
	}
	t.Cleanup(func() {
		var leaked []string
		leakedIDs := map[ebpf.ProgramID]bool{}
		// Detaching happens in the kernel after close returns for some link
		// kinds, so give it a moment before calling it a leak.
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			leaked = leaked[:0]
			clear(leakedIDs)
			for id := range programIDs(t) {
				if before[id] {
					continue
				}
				p, err := ebpf.NewProgramFromID(id)
				if err != nil {
					continue
				}
				info, err := p.Info()
				p.Close()
				if err == nil && ours[info.Name] {
					leaked = append(leaked, info.Name)
					leakedIDs[id] = true
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(leaked) > 0 {
			t.Errorf("programs left loaded after the test: %v, with %d link(s) to them", leaked, linksTo(leakedIDs))
		}
	})
}

// truncate shortens a program name the way the kernel stores it.
func truncate(name string) string {
	if len(name) > 15 {
		return name[:15]
	}
	return name
}

// programIDs lists the IDs of all loaded programs.
func programIDs(t testing.TB) map[ebpf.ProgramID]bool {
	ids := map[ebpf.ProgramID]bool{}
	for id := ebpf.ProgramID(0); ; {
		next, err := ebpf.ProgramGetNextID(id)
		if errors.Is(err, os.ErrNotExist) {
			return ids
		}
		if err != nil {
			t.Fatalf("listing programs: %v", err)
		}
		ids[next], id = true, next
	}
}

// linksTo counts the kernel's links to the given programs.
func linksTo(progs map[ebpf.ProgramID]bool) int {
	n := 0
	it := new(link.Iterator)
	defer it.Close()
	for it.Next() {
		if info, err := it.Link.Info(); err == nil && progs[info.Program] {
			n++
		}
	}
	return n
}
