package mapview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
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

// shistDepths reads, for each shists entry, its kernel and user stack
// depths from the stack map; -1 for no stack.
func shistDepths(t *testing.T, coll *ebpf.Collection) (kernel, user []int) {
	t.Helper()
	var (
		key   [16]byte
		value []byte
	)
	depth := func(id int32) int {
		if id < 0 {
			return -1
		}
		addrs, err := readStack(coll.Maps["stackmap"], uint32(id))
		if err != nil {
			t.Fatal(err)
		}
		return len(addrs)
	}
	it := coll.Maps["shists"].Iterate()
	for it.Next(&key, &value) {
		user = append(user, depth(int32(readUint(key[8:12]))))
		kernel = append(kernel, depth(int32(readUint(key[12:16]))))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return kernel, user
}

// A histogram keyed by stacks prints them between `    -` lines under its
// header, as futexctn does, user stacks symbolized for pid_tgid's upper half.
func TestViewsHistStacks(t *testing.T) {
	syms := &fakeSymbols{pids: map[int]bool{}}
	views, coll := startViews(t, Options{Symbolizer: syms}, nil)
	getppid(calls)
	v := find(t, views, "shists")
	kernel, user := shistDepths(t, coll)
	if len(kernel) == 0 || kernel[0] <= 0 {
		t.Fatalf("shists: kernel depths %v, want entries with kernel stacks", kernel)
	}
	var buf bytes.Buffer
	if err := v.WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	entries := strings.Split(text, "\n\n")
	if len(entries) != len(kernel) {
		t.Fatalf("%d entries printed, the map has %d:\n%s", len(entries), len(kernel), text)
	}
	header := regexp.MustCompile(`^pid_tgid = (\d+) comm = mapview.test\n    -\n    k0\n(    [ku]\d+\n)*    -\n     usecs `)
	for _, e := range entries {
		m := header.FindStringSubmatch(e)
		if m == nil {
			t.Errorf("entry does not read header, -, frames from k0, -, histogram:\n%s", e)
			continue
		}
		if pidTgid, _ := strconv.ParseUint(m[1], 10, 64); int(pidTgid>>32) != os.Getpid() {
			t.Errorf("header pid_tgid %s: want the upper half %d", m[1], os.Getpid())
		}
	}
	if got, want := linesWith(text, "    k"), sum(kernel); got != want {
		t.Errorf("%d kernel frames printed, the stack map holds %d", got, want)
	}
	if got, want := linesWith(text, "    u"), sum(user); got != want {
		t.Errorf("%d user frames printed, the stack map holds %d", got, want)
	}
	if sum(user) > 0 && (len(syms.pids) != 1 || !syms.pids[os.Getpid()]) {
		t.Errorf("user stacks were symbolized for pids %v, want only pid_tgid>>32 = %d", syms.pids, os.Getpid())
	}

	js, err := v.AppendJSON(nil, coll)
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, line := range strings.Split(strings.TrimSpace(string(js)), "\n") {
		var rec struct {
			Hist   struct{ Buckets []struct{ Count uint64 } }
			Stacks map[string][]string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		for _, b := range rec.Hist.Buckets {
			total += b.Count
		}
		if k := rec.Stacks["kern_stack_id"]; len(k) == 0 || k[0] != "k0" {
			t.Errorf("JSON entry %s: want stacks with kernel frames k0…", line)
		}
	}
	if total != calls {
		t.Errorf("JSON buckets add up to %d, want %d", total, calls)
	}
}

func TestViewsHistStacksFolded(t *testing.T) {
	views, coll := startViews(t, Options{Folded: true, Symbolizer: &fakeSymbols{pids: map[int]bool{}}}, nil)
	getppid(calls)
	var buf bytes.Buffer
	if err := find(t, views, "shists").WriteText(&buf, coll); err != nil {
		t.Fatal(err)
	}
	// Root first: user frames, then kernel frames ending in the leaf k0.
	folded := regexp.MustCompile(`(?m)^pid_tgid = \d+ comm = mapview.test\n    ([ku]\d+;)*k0\n     usecs `)
	kernel, _ := shistDepths(t, coll)
	if got := len(folded.FindAllString(buf.String(), -1)); got != len(kernel) {
		t.Errorf("%d entries with a folded stack line, want %d:\n%s", got, len(kernel), buf.String())
	}
}
