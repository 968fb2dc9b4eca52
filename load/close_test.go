package load

import (
	"fmt"
	"testing"
	"time"
)

// Close detaches links concurrently: a tracepoint link takes tens of
// milliseconds to detach, so closing many one after another would add up.
func TestCloseIsConcurrent(t *testing.T) {
	spec := twinsSpec(t, "nt_tp")
	const n = 16
	for i := range n {
		ps := spec.Programs["nt_tp"].Copy()
		ps.Name = fmt.Sprintf("nt_tp_%d", i)
		spec.Programs[ps.Name] = ps
	}
	delete(spec.Programs, "nt_tp")
	r, err := Start(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Half detached one after another, as a reference for this machine.
	begin := time.Now()
	for _, a := range r.attachments[:n/2] {
		a.Close()
	}
	r.attachments = r.attachments[n/2:]
	sequential := time.Since(begin)
	begin = time.Now()
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	concurrent := time.Since(begin)
	t.Logf("%d detaches: %v one after another, %v by Close", n/2, sequential, concurrent)
	if sequential < 100*time.Millisecond {
		t.Skipf("detaching is fast on this kernel (%v for %d), nothing to compare", sequential, n/2)
	}
	if concurrent > sequential*3/4 {
		t.Errorf("Close took %v, not much less than %v one after another", concurrent, sequential)
	}
}
