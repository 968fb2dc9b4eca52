package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/decode"
)

var (
	u32  = &btf.Int{Name: "unsigned int", Size: 4}
	s32  = &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	u64  = &btf.Int{Name: "unsigned long long", Size: 8}
	char = &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
)

func field(name string, t btf.Type, off int) btf.Member {
	return btf.Member{Name: name, Type: t, Offset: btf.Bits(off * 8)}
}

func mustDecoder(t testing.TB, s *btf.Struct) *decode.Decoder {
	t.Helper()
	d, err := decode.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// execEvent: struct exec_event { u32 pid; int ret; char comm[16]; struct { u32 a; u32 b; } in; u32 v[2]; }
func execDecoder(t testing.TB) *decode.Decoder {
	inner := &btf.Struct{Name: "in", Size: 8, Members: []btf.Member{field("a", u32, 0), field("b", u32, 4)}}
	return mustDecoder(t, &btf.Struct{Name: "exec_event", Size: 40, Members: []btf.Member{
		field("pid", u32, 0), field("ret", s32, 4), field("comm", &btf.Array{Type: char, Nelems: 16}, 8),
		field("in", inner, 24), field("v", &btf.Array{Type: u32, Nelems: 2}, 32),
	}})
}

func execRecord(pid uint32, ret int32, comm string) []byte {
	r := make([]byte, 40)
	binary.LittleEndian.PutUint32(r[0:], pid)
	binary.LittleEndian.PutUint32(r[4:], uint32(ret))
	copy(r[8:24], comm)
	binary.LittleEndian.PutUint32(r[24:], 1)
	binary.LittleEndian.PutUint32(r[28:], 2)
	binary.LittleEndian.PutUint32(r[32:], 3)
	return r
}

// timeDecoder: struct tick { u64 time; u32 map; } — fields that collide with the
// writers' own keys.
func timeDecoder(t testing.TB) *decode.Decoder {
	return mustDecoder(t, &btf.Struct{Name: "tick", Size: 16, Members: []btf.Member{field("time", u64, 0), field("map", u32, 8)}})
}

func tickRecord(ts uint64, m uint32) []byte {
	r := make([]byte, 16)
	binary.LittleEndian.PutUint64(r, ts)
	binary.LittleEndian.PutUint32(r[8:], m)
	return r
}

var t0 = time.Date(2026, 11, 25, 2, 11, 34, 123456000, time.UTC)

func TestJSONWriter(t *testing.T) {
	exec, tick := execDecoder(t), timeDecoder(t)
	var out bytes.Buffer
	w := NewJSON(&out, Options{})
	events := []Event{
		{Map: "events", Decoder: exec, Time: t0, Data: execRecord(42, -2, "bash")},
		{Map: "events", Decoder: exec, Time: t0.Add(time.Second - 123456000), Data: execRecord(7, 0, "a\"b")},
		{Map: "ticks", Decoder: tick, Time: t0.Add(10 * time.Millisecond), Data: tickRecord(99, 1)},
		{Map: "events", Decoder: exec, Time: t0, Data: execRecord(1, 1, "x")[:10]},
	}
	for _, ev := range events {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes before Flush", out.Len())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-11-25T02:11:34.123456Z","pid":42,"ret":-2,"comm":"bash","in":{"a":1,"b":2},"v":[3,0]}
{"time":"2026-11-25T02:11:35Z","pid":7,"ret":0,"comm":"a\"b","in":{"a":1,"b":2},"v":[3,0]}
{"_time":"2026-11-25T02:11:34.133456Z","time":99,"map":1}
{"time":"2026-11-25T02:11:34.123456Z","pid":1,"ret":1,"comm":"x"}
`
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJSONWriterMapKey(t *testing.T) {
	exec, tick := execDecoder(t), timeDecoder(t)
	var out bytes.Buffer
	w := NewJSON(&out, Options{MapKey: true})
	for _, ev := range []Event{
		{Map: "execs", Decoder: exec, Time: t0, Data: execRecord(1, 0, "sh")},
		{Map: "ticks", Decoder: tick, Time: t0, Data: tickRecord(5, 6)},
		{Map: "ex\"ecs", Decoder: exec, Time: t0, Data: execRecord(2, 0, "sh")},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-11-25T02:11:34.123456Z","map":"execs","pid":1,"ret":0,"comm":"sh","in":{"a":1,"b":2},"v":[3,0]}
{"_time":"2026-11-25T02:11:34.123456Z","_map":"ticks","time":5,"map":6}
{"time":"2026-11-25T02:11:34.123456Z","map":"ex\"ecs","pid":2,"ret":0,"comm":"sh","in":{"a":1,"b":2},"v":[3,0]}
`
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUTCClockMatchesRFC3339Nano(t *testing.T) {
	var c utcClock
	times := []time.Time{
		t0, t0.Add(1), t0.Add(999999999 - 123456000), time.Unix(0, 0), time.Unix(1, 100),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 5*3600)),
		time.Date(1969, 12, 31, 23, 59, 59, 500, time.UTC),
	}
	for i := range 2000 {
		times = append(times, t0.Add(time.Duration(i)*7777777*time.Nanosecond))
	}
	for _, tm := range times {
		want := tm.UTC().Format(time.RFC3339Nano)
		// Twice: the second call reuses the first one's text.
		for range 2 {
			if got := string(c.append(nil, tm)); got != want {
				t.Fatalf("clock(%v) = %s, want %s", tm, got, want)
			}
		}
	}
}

func TestTableWriter(t *testing.T) {
	exec, tick := execDecoder(t), timeDecoder(t)
	var out bytes.Buffer
	w := NewTable(&out, Options{Location: time.UTC})
	for _, ev := range []Event{
		{Map: "events", Decoder: exec, Time: t0, Data: execRecord(42, -2, "bash")},
		{Map: "events", Decoder: exec, Time: t0.Add(2 * time.Second), Data: execRecord(4294967295, 0, "0123456789abcdef")},
		{Map: "ticks", Decoder: tick, Time: t0, Data: tickRecord(99, 1)},
		{Map: "events", Decoder: exec, Time: t0, Data: execRecord(7, 1, "sh\nx")},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes before Flush", out.Len())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"TIME     PID        RET         COMM             IN        V\n" +
		"02:11:34 42         -2          bash             {a=1 b=2} [3,0]\n" +
		"02:11:36 4294967295 0           0123456789abcdef {a=1 b=2} [3,0]\n" +
		"TIME     TIME                 MAP\n" +
		"02:11:34 99                   1\n" +
		"TIME     PID        RET         COMM             IN        V\n" +
		"02:11:34 7          1           sh\\x0ax          {a=1 b=2} [3,0]\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTableWriterMapKeyAndGrowth(t *testing.T) {
	wide := mustDecoder(t, &btf.Struct{Name: "w", Size: 12, Members: []btf.Member{
		field("n", &btf.Array{Type: u32, Nelems: 2}, 0), field("x", u32, 8)}})
	var out bytes.Buffer
	w := NewTable(&out, Options{MapKey: true, Location: time.UTC})
	rec := func(a, b, x uint32) []byte {
		r := make([]byte, 12)
		binary.LittleEndian.PutUint32(r, a)
		binary.LittleEndian.PutUint32(r[4:], b)
		binary.LittleEndian.PutUint32(r[8:], x)
		return r
	}
	for _, ev := range []Event{
		{Map: "m", Decoder: wide, Time: t0, Data: rec(1, 2, 3)},
		{Map: "longmapname", Decoder: wide, Time: t0, Data: rec(100, 200, 4)},
		{Map: "m", Decoder: wide, Time: t0, Data: rec(1, 2, 5)},
		{Map: "other", Decoder: timeDecoder(t), Time: t0, Data: tickRecord(0, 0)},
		{Map: "m", Decoder: wide, Time: t0, Data: rec(1, 2, 6)},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"TIME     MAP N     X\n" +
		"02:11:34 m   [1,2] 3\n" +
		"02:11:34 longmapname [100,200] 4\n" +
		"02:11:34 m           [1,2]     5\n" +
		"TIME     MAP   TIME                 MAP\n" +
		"02:11:34 other 0                    0\n" +
		"TIME     MAP         N         X\n" +
		"02:11:34 m           [1,2]     6\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLocalTime(t *testing.T) {
	var out bytes.Buffer
	w := NewTable(&out, Options{Location: time.FixedZone("UTC+5", 5*3600)})
	if err := w.Write(Event{Decoder: timeDecoder(t), Time: t0, Data: tickRecord(1, 2)}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(out.String(), "\n")[1]; !strings.HasPrefix(got, "07:11:34 ") {
		t.Errorf("row = %q, want the time in the given zone", got)
	}
}

type failingWriter struct{ writes int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.writes++
	return 0, errors.New("broken pipe")
}

func TestErrors(t *testing.T) {
	for name, newWriter := range map[string]func(io.Writer, Options) Writer{"json": NewJSON, "table": NewTable} {
		fw := &failingWriter{}
		w := newWriter(fw, Options{})
		if err := w.Write(Event{Decoder: timeDecoder(t), Time: t0, Data: tickRecord(1, 2)}); err != nil {
			t.Fatal(err)
		}
		err := w.Flush()
		if err == nil || !strings.Contains(err.Error(), "broken pipe") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: Flush to a failing writer: %v", name, err)
		}
		if err := w.Flush(); err != nil || fw.writes != 1 {
			t.Errorf("%s: second Flush = %v after %d writes; want nothing left to write", name, err, fw.writes)
		}
	}
}

func TestUntypedRecords(t *testing.T) {
	raw := []byte{0xde, 0xad, 0x00, 0x01}
	var js, tab bytes.Buffer
	jw, tw := NewJSON(&js, Options{MapKey: true}), NewTable(&tab, Options{Location: time.UTC})
	for _, w := range []Writer{jw, tw} {
		for _, ev := range []Event{
			{Map: "raw", Time: t0, Data: raw},
			{Map: "ticks", Decoder: timeDecoder(t), Time: t0, Data: tickRecord(1, 2)},
			{Map: "raw", Time: t0, Data: raw[:1]},
		} {
			if err := w.Write(ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	wantJSON := `{"time":"2026-11-25T02:11:34.123456Z","map":"raw","size":4,"data":"dead0001"}
{"_time":"2026-11-25T02:11:34.123456Z","_map":"ticks","time":1,"map":2}
{"time":"2026-11-25T02:11:34.123456Z","map":"raw","size":1,"data":"de"}
`
	if js.String() != wantJSON {
		t.Errorf("JSON got\n%s\nwant\n%s", js.String(), wantJSON)
	}
	wantTable := "" +
		"TIME     SIZE  DATA\n" +
		"02:11:34 4     dead0001\n" +
		"TIME     TIME                 MAP\n" +
		"02:11:34 1                    2\n" +
		"TIME     SIZE  DATA\n" +
		"02:11:34 1     de\n"
	if tab.String() != wantTable {
		t.Errorf("table got\n%s\nwant\n%s", tab.String(), wantTable)
	}
}

func TestBufferFlushesWhenFull(t *testing.T) {
	var out bytes.Buffer
	w := NewJSON(&out, Options{})
	d := timeDecoder(t)
	for out.Len() == 0 {
		if err := w.Write(Event{Decoder: d, Time: t0, Data: tickRecord(1, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() < bufSize || out.Len() > bufSize+4096 {
		t.Errorf("first write to the io.Writer was %d bytes, want about %d", out.Len(), bufSize)
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("}\n")) {
		t.Errorf("buffer was flushed mid-line")
	}
}
