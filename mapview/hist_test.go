package mapview

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

func TestLog2HistText(t *testing.T) {
	got := string(appendLog2Hist(nil, []uint64{0, 3, 1, 0, 6, 0, 0}, "usecs"))
	// Widths as trace_helpers.c print_log2_hist: "%*s%-*s : count    distribution"
	// with 5 and 19, rows "%*lld -> %-*lld : %-8d |" with 10, 40 stars.
	want := "" +
		"     usecs               : count    distribution\n" +
		"         0 -> 1          : 0        |                                        |\n" +
		"         2 -> 3          : 3        |********************                    |\n" +
		"         4 -> 7          : 1        |******                                  |\n" +
		"         8 -> 15         : 0        |                                        |\n" +
		"        16 -> 31         : 6        |****************************************|\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if s := appendLog2Hist(nil, make([]uint64, 5), "usecs"); len(s) != 0 {
		t.Errorf("an empty histogram prints %q, want nothing", s)
	}
}

func TestLog2HistWide(t *testing.T) {
	vals := make([]uint64, 40)
	vals[33], vals[0] = 4, 2
	lines := strings.Split(strings.TrimSuffix(string(appendLog2Hist(nil, vals, "nsecs")), "\n"), "\n")
	if len(lines) != 35 {
		t.Fatalf("%d lines, want a header and buckets 0..33", len(lines))
	}
	// Past bucket 32: 15 + 29 wide header, 20-wide bounds, 20 stars.
	if want := strings.Repeat(" ", 15) + "nsecs" + strings.Repeat(" ", 24) + " : count    distribution"; lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	if want := "          8589934592 -> 17179869183          : 4        |********************|"; lines[34] != want {
		t.Errorf("last row %q, want %q", lines[34], want)
	}
	if want := "                   0 -> 1                    : 2        |**********          |"; lines[1] != want {
		t.Errorf("first row %q, want %q", lines[1], want)
	}
}

func TestLinearHistText(t *testing.T) {
	got := string(appendLinearHist(nil, []uint64{0, 0, 2, 0, 1}, "msecs"))
	want := "" +
		"     msecs         : count     distribution\n" +
		"        2          : 2        |****************************************|\n" +
		"        4          : 1        |********************                    |\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

// FuzzHist draws arbitrary counters: every row keeps the bar's width between
// its pipes, and the row count follows the last non-zero bucket.
func FuzzHist(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0})
	f.Add(make([]byte, 8*40))
	f.Fuzz(func(t *testing.T, raw []byte) {
		vals := make([]uint64, len(raw)/8)
		last := -1
		for i := range vals {
			vals[i] = binary.LittleEndian.Uint64(raw[8*i:])
			if vals[i] != 0 {
				last = i
			}
		}
		for _, linear := range []bool{false, true} {
			var out []byte
			if linear {
				out = appendLinearHist(nil, vals, "x")
			} else {
				out = appendLog2Hist(nil, vals, "x")
			}
			if last < 0 {
				if len(out) != 0 {
					t.Fatalf("all-zero counters print %q", out)
				}
				continue
			}
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if !linear && len(lines) != last+2 {
				t.Fatalf("log2: %d lines for last bucket %d", len(lines), last)
			}
			bar := maxStars
			if !linear && last > 32 {
				bar = maxStars / 2
			}
			for _, line := range lines[1:] {
				i := strings.IndexByte(line, '|')
				if i < 0 || len(line)-i != bar+2 || line[len(line)-1] != '|' {
					t.Fatalf("row %q: want a %d-wide bar between pipes", line, bar)
				}
			}
		}
	})
}

// A histogram map whose slots are all empty prints its other fields as a
// table (hardirqs without -d); one entry with buckets brings the histograms
// back for every entry.
func TestHistEmptySlotsTable(t *testing.T) {
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	u64 := &btf.Int{Name: "unsigned long long", Size: 8}
	info := &btf.Struct{Name: "info", Size: 24, Members: []btf.Member{
		{Name: "count", Type: u64},
		{Name: "slots", Type: &btf.Array{Type: u32, Index: u32, Nelems: 4}, Offset: 64},
	}}
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"infos": {Name: "infos", Type: ebpf.Hash, KeySize: 4, ValueSize: 24, MaxEntries: 4, Key: u32, Value: info},
	}}
	views, err := Plan(spec, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer coll.Close()
	put := func(key uint32, count uint64, slots [4]uint32) {
		value := binary.LittleEndian.AppendUint64(nil, count)
		for _, s := range slots {
			value = binary.LittleEndian.AppendUint32(value, s)
		}
		if err := coll.Maps["infos"].Put(key, value); err != nil {
			t.Fatal(err)
		}
	}
	put(1, 3, [4]uint32{})
	put(2, 7, [4]uint32{})
	text := func() string {
		var buf bytes.Buffer
		if err := views[0].WriteText(&buf, coll); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if got, want := text(), "KEY COUNT\n  2     7\n  1     3\n"; got != want {
		t.Errorf("empty slots print\n%swant the table\n%s", got, want)
	}
	js, err := views[0].AppendJSON(nil, coll)
	if want := `{"map":"infos","key":2,"value":{"count":7}}` + "\n" + `{"map":"infos","key":1,"value":{"count":3}}` + "\n"; err != nil || string(js) != want {
		t.Errorf("empty slots JSON %s (%v), want\n%s", js, err, want)
	}
	put(2, 7, [4]uint32{0, 5})
	want := "key = 1 count = 3\n\nkey = 2 count = 7\n" +
		"     value               : count    distribution\n" +
		"         0 -> 1          : 0        |                                        |\n" +
		"         2 -> 3          : 5        |****************************************|\n"
	if got := text(); got != want {
		t.Errorf("with one histogram filled:\n%swant\n%s", got, want)
	}
}
