package load

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"nomia.dev/nomia/internal/bpftest"
)

// copiesSpec is testdata/twins.bpf.c's tracepoint program n times over, so
// Close has many links to detach.
func copiesSpec(t testing.TB, n int) *ebpf.CollectionSpec {
	spec := twinsSpec(t, "nt_tp")
	names := make([]string, n)
	for i := range n {
		ps := spec.Programs["nt_tp"].Copy()
		ps.Name = fmt.Sprintf("nt_tp_%d", i)
		spec.Programs[ps.Name] = ps
		names[i] = ps.Name
	}
	delete(spec.Programs, "nt_tp")
	bpftest.NoLeaks(t, names...)
	return spec
}

// Close detaches links concurrently (each tracepoint detach waits for an RCU
// grace period); callers racing on Close must all see it done, once.
func TestCloseFromManyGoroutines(t *testing.T) {
	const n = 16
	r, err := Start(copiesSpec(t, n), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Attached) != n {
		t.Fatalf("attached %d programs, want %d", len(r.Attached), n)
	}
	var ids []link.ID
	for _, a := range r.attachments {
		if l, ok := a.(link.Link); ok {
			info, err := l.Info()
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, info.ID)
		}
	}
	if len(ids) != n {
		t.Fatalf("found %d link ids among %d attachments", len(ids), n)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = r.Close() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Close #%d: %v", i, err)
		}
	}
	for _, id := range ids {
		if l, err := link.NewFromID(id); err == nil {
			l.Close()
			t.Errorf("link %d still exists after Close", id)
		}
	}
}

// BenchmarkDetach compares Close with detaching the same links one after
// another; the ratio is what Close's concurrency buys on this kernel.
func BenchmarkDetach(b *testing.B) {
	const n = 8
	b.Run("one-after-another", func(b *testing.B) {
		for b.Loop() {
			r := startUntimed(b, n)
			for _, a := range r.attachments {
				a.Close()
			}
			b.StopTimer()
			r.attachments = nil
			r.Close()
			b.StartTimer()
		}
	})
	b.Run("Close", func(b *testing.B) {
		for b.Loop() {
			startUntimed(b, n).Close()
		}
	})
}

// startUntimed starts n copies of a tracepoint program with the benchmark's
// timer stopped: only detaching is measured.
func startUntimed(b *testing.B, n int) *Running {
	b.StopTimer()
	defer b.StartTimer()
	r, err := Start(copiesSpec(b, n), Options{})
	if err != nil {
		b.Fatal(err)
	}
	return r
}
