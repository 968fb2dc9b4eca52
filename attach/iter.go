package attach

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// iterAttachment is an attached iterator program.
type iterAttachment struct{ *link.Iter }

// Read runs the iterator once and returns what the program wrote.
func (it iterAttachment) Read() ([]byte, error) {
	b, err := readAll(it.Open())
	if err != nil {
		return nil, fmt.Errorf("reading iterator: %s", oneLine(err))
	}
	return b, nil
}

// iter attaches an iterator program; the kind of iterator was fixed at load time
// from the section name (iter/task, iter/bpf_map …).
func iter(p *ebpf.Program) (Attachment, error) {
	l, err := link.AttachIter(link.IterOptions{Program: p})
	if err != nil {
		return nil, fmt.Errorf("attach failed: %s", oneLine(err))
	}
	return iterAttachment{l}, nil
}
