package mapview

import (
	"encoding/binary"
	"strings"
	"testing"
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
