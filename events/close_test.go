package events

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

// failingSource is a source whose close fails with a message naming it.
type failingSource struct{ name string }

func (s failingSource) run(context.Context, *atomic.Bool, *sink) error { return nil }
func (s failingSource) flush() error                                   { return nil }
func (s failingSource) close() error {
	return errors.New("close ring buffer " + s.name + ": device busy")
}

// When several buffers fail to close, Close still reports one line naming each.
func TestCloseErrorIsOneLine(t *testing.T) {
	r := &Reader{sources: []source{failingSource{"a"}, failingSource{"b"}}}
	err := r.Close()
	if err == nil {
		t.Fatal("Close returned nil although both sources failed to close")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("Close error spans several lines: %q", msg)
	}
	for _, want := range []string{"ring buffer a", "ring buffer b"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Close error %q does not name %q", msg, want)
		}
	}
}
