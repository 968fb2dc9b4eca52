package mapview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

// fakeSymbols names frame i of a kernel stack "k<i>" and of a user stack
// "u<i>", and records the pids it is asked about.
type fakeSymbols struct{ pids map[int]bool }

func (f *fakeSymbols) Names(pid int, kernel bool, addrs []uint64) []string {
	names := make([]string, len(addrs))
	for i := range names {
		if kernel {
			names[i] = "k" + strconv.Itoa(i)
		} else {
			f.pids[pid] = true
			names[i] = "u" + strconv.Itoa(i)
		}
	}
	return names
}

// stackDepths reads, for each entry of the stacks map, the number of kernel
// and user frames straight from the stack map, and the total count.
func stackDepths(t *testing.T, coll *ebpf.Collection) (kernel, user []int, total uint64) {
	t.Helper()
	var (
		key   [12]byte
		count uint64
	)
	it := coll.Maps["stacks"].Iterate()
	for it.Next(&key, &count) {
		total += count
		for i, depths := range []*[]int{&user, &kernel} {
			id := int32(readUint(key[4+4*i : 8+4*i]))
			if id < 0 {
				continue
			}
			addrs, err := readStack(coll.Maps["stackmap"], uint32(id))
			if err != nil {
				t.Fatal(err)
			}
			*depths = append(*depths, len(addrs))
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return kernel, user, total
}

func TestViewsStacks(t *testing.T) {
	syms := &fakeSymbols{pids: map[int]bool{}}
	views, coll := startViews(t, Options{Symbolizer: syms}, nil)
	getppid(calls)
	v := find(t, views, "stacks")
	kernel, user, total := stackDepths(t, coll)
	if total != calls || len(kernel) == 0 || kernel[0] == 0 {
		t.Fatalf("stacks map: %d calls, kernel depths %v; want %d calls with kernel frames", total, kernel, calls)
	}
	var buf bytes.Buffer
	if err := v.WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	// Each entry: kernel frames k0…, user frames u0…, the label, the count.
	wantK, wantU := sum(kernel), sum(user)
	if got := linesWith(text, "    k"); got != wantK {
		t.Errorf("text has %d kernel frames, the stack map %d:\n%s", got, wantK, text)
	}
	if got := linesWith(text, "    u"); got != wantU {
		t.Errorf("text has %d user frames, the stack map %d:\n%s", got, wantU, text)
	}
	if !strings.HasPrefix(text, "    k0\n") {
		t.Errorf("an entry starts with its leaf kernel frame:\n%s", text)
	}
	label := fmt.Sprintf("    -                tgid=%d\n", os.Getpid())
	if strings.Count(text, label) != len(kernel) {
		t.Errorf("want %d entries labelled %q:\n%s", len(kernel), label, text)
	}
	if wantU > 0 && !syms.pids[os.Getpid()] {
		t.Errorf("user stacks were symbolized for pids %v, want the tgid %d", syms.pids, os.Getpid())
	}

	js, err := v.AppendJSON(nil, coll)
	if err != nil {
		t.Fatal(err)
	}
	var jsonTotal uint64
	for _, line := range strings.Split(strings.TrimSpace(string(js)), "\n") {
		var rec struct {
			Key    struct{ Tgid int }
			Value  uint64
			Stacks map[string][]string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		jsonTotal += rec.Value
		if k := rec.Stacks["kern_stack_id"]; rec.Key.Tgid != os.Getpid() || len(k) == 0 || k[0] != "k0" {
			t.Errorf("JSON entry %s: want tgid %d and kernel frames k0…", line, os.Getpid())
		}
	}
	if jsonTotal != calls {
		t.Errorf("JSON counts add up to %d, want %d", jsonTotal, calls)
	}
}

func TestViewsStacksFolded(t *testing.T) {
	views, coll := startViews(t, Options{Folded: true, Symbolizer: &fakeSymbols{pids: map[int]bool{}}}, nil)
	getppid(calls)
	kernel, _, _ := stackDepths(t, coll)
	var buf bytes.Buffer
	if err := find(t, views, "stacks").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(kernel) {
		t.Fatalf("%d folded lines, want one per entry (%d):\n%s", len(lines), len(kernel), buf.String())
	}
	var total int
	for _, line := range lines {
		stack, count, ok := strings.Cut(line, " ")
		n, err := strconv.Atoi(count)
		// Root first: the kernel stack ends the line with its leaf, k0.
		if !ok || err != nil || !strings.HasPrefix(stack, fmt.Sprintf("tgid=%d;", os.Getpid())) || !strings.HasSuffix(stack, ";k0") {
			t.Errorf("folded line %q: want tgid=PID;frames…;k0 COUNT", line)
		}
		total += n
	}
	if total != calls {
		t.Errorf("folded counts add up to %d, want %d", total, calls)
	}
}

func TestViewsStacksHex(t *testing.T) {
	views, coll := startViews(t, Options{}, nil)
	getppid(1)
	var buf bytes.Buffer
	if err := find(t, views, "stacks").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "    0xffff") {
		t.Errorf("without a Symbolizer, kernel frames print as hex addresses:\n%s", buf.String())
	}
}

func sum(xs []int) (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}

// linesWith counts the lines of text that start with prefix.
func linesWith(text, prefix string) (n int) {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}
