package events

import "sync"

// sink serializes the user's callbacks across the per-map loops, so a handler never
// needs its own locking. With a single map there is only one loop and no lock.
type sink struct {
	handle func(mapIndex int, rec []byte)
	idle   func()
	mu     *sync.Mutex // nil when one loop owns the sink
	dirty  bool        // a record was delivered since idle last ran
}

func (s *sink) deliver(mapIndex int, rec []byte) {
	if s.mu != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.handle(mapIndex, rec)
	s.dirty = true
}

// drained runs idle once after records were delivered; a loop calls it when its map
// is empty and it is about to wait, which is when buffered output should go out.
func (s *sink) drained() {
	if s.mu != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	if s.dirty && s.idle != nil {
		s.idle()
	}
	s.dirty = false
}
