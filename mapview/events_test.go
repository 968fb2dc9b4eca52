package mapview

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/ringbuf"
)

// stackEvent is testdata's struct stack_event.
type stackEvent struct {
	Pid, N                   uint32
	KernStackID, UserStackID int32
}

// readStackEvents starts the test program and returns the spec, the
// collection and the raw records of n getppid calls.
func readStackEvents(t *testing.T, n int) (*ebpf.CollectionSpec, *ebpf.Collection, [][]byte) {
	t.Helper()
	var spec *ebpf.CollectionSpec
	_, coll := startViews(t, Options{}, func(s *ebpf.CollectionSpec) { spec = s })
	rd, err := ringbuf.NewReader(coll.Maps["stack_events"])
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	getppid(n)
	rd.SetDeadline(time.Now().Add(time.Minute)) // a hang guard, not a timing assertion
	var recs [][]byte
	for range n {
		rec, err := rd.Read()
		if err != nil {
			t.Fatalf("read event %d of %d: %v", len(recs)+1, n, err)
		}
		recs = append(recs, rec.RawSample)
	}
	return spec, coll, recs
}

func eventType(t *testing.T, spec *ebpf.CollectionSpec, name string) btf.Type {
	t.Helper()
	var st *btf.Struct
	if err := spec.Types.TypeByName(name, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestEventStacks(t *testing.T) {
	spec, coll, recs := readStackEvents(t, calls)
	syms := &fakeSymbols{pids: map[int]bool{}}
	s := EventStacks(spec, eventType(t, spec, "stack_event"), syms, false)
	if s == nil {
		t.Fatal("EventStacks found no stack fields in struct stack_event")
	}
	for _, rec := range recs {
		var ev stackEvent
		if _, err := binary.Decode(rec, binary.LittleEndian, &ev); err != nil {
			t.Fatal(err)
		}
		kernel, err := readStack(coll.Maps["stackmap"], uint32(ev.KernStackID))
		if err != nil {
			t.Fatalf("event %d: kernel stack %d: %v", ev.N, ev.KernStackID, err)
		}
		var buf bytes.Buffer
		if err := s.WriteText(&buf, coll, rec); err != nil {
			t.Fatal(err)
		}
		text := buf.String()
		if !strings.HasPrefix(text, "    k0\n") || linesWith(text, "    k") != len(kernel) {
			t.Errorf("event %d: text\n%swant %d kernel frames from k0, one per indented line", ev.N, text, len(kernel))
		}
		if ev.UserStackID >= 0 && linesWith(text, "    u0") != 1 {
			t.Errorf("event %d: text\n%swant the user stack after the kernel's", ev.N, text)
		}

		js := append(s.AppendJSON([]byte(`{"n":1`), coll, rec), '}')
		var got struct{ Stacks map[string][]string }
		if err := json.Unmarshal(js, &got); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		if k := got.Stacks["kern_stack_id"]; len(k) != len(kernel) || k[0] != "k0" {
			t.Errorf("event %d: JSON %s, want %d kernel frames from k0", ev.N, js, len(kernel))
		}
	}
	if !syms.pids[os.Getpid()] || len(syms.pids) != 1 {
		t.Errorf("user stacks were symbolized for pids %v, want the event's pid %d", syms.pids, os.Getpid())
	}

	// A record too short to hold the ids has no stacks.
	if js := s.AppendJSON(nil, coll, recs[0][:8]); len(js) != 0 {
		t.Errorf("short record: JSON %s, want nothing", js)
	}
	// An id the stack map does not hold is a missed stack, as the tools say.
	missed := bytes.Clone(recs[0])
	binary.LittleEndian.PutUint32(missed[8:], 1000)
	binary.LittleEndian.PutUint32(missed[12:], 0xffffffff) // -1: no user stack
	var buf bytes.Buffer
	if err := s.WriteText(&buf, coll, missed); err != nil || buf.String() != "    [Missed Kernel Stack]\n" {
		t.Errorf("missing stack: text %q (%v), want the missed line", buf.String(), err)
	}
	if js := string(s.AppendJSON(nil, coll, missed)); js != `,"stacks":{"kern_stack_id":null}` {
		t.Errorf("missing stack: JSON %s, want null", js)
	}
}

func TestEventStacksFolded(t *testing.T) {
	spec, coll, recs := readStackEvents(t, 1)
	s := EventStacks(spec, eventType(t, spec, "stack_event"), &fakeSymbols{pids: map[int]bool{}}, true)
	var buf bytes.Buffer
	if err := s.WriteText(&buf, coll, recs[0]); err != nil {
		t.Fatal(err)
	}
	// One line, root first: user frames, then the kernel's, leaf k0 last.
	line := buf.String()
	if !strings.HasPrefix(line, "    ") || !strings.HasSuffix(line, ";k0\n") || strings.Count(line, "\n") != 1 {
		t.Errorf("folded stacks %q, want one indented line ending in the leaf ;k0", line)
	}
}

func TestEventStacksNone(t *testing.T) {
	spec, _, _ := readStackEvents(t, 1)
	if s := EventStacks(spec, eventType(t, spec, "data_val"), nil, false); s != nil {
		t.Errorf("struct data_val has no stack ids, EventStacks = %+v, want nil", s)
	}
	noMap := spec.Copy()
	delete(noMap.Maps, "stackmap")
	if s := EventStacks(noMap, eventType(t, spec, "stack_event"), nil, false); s != nil {
		t.Errorf("without a stack map EventStacks = %+v, want nil", s)
	}
}
