package eventtype

import "testing"

// TestLEB128 checks both LEB128 readers on the DWARF standard's examples and on
// the edges of the sign bit, and that a number cut short is an error.
func TestLEB128(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want int64
	}{
		{[]byte{0x02}, 2}, {[]byte{0x7e}, -2}, {[]byte{0xff, 0x00}, 127}, {[]byte{0x81, 0x7f}, -127},
		{[]byte{0x80, 0x01}, 128}, {[]byte{0x80, 0x7f}, -128}, {[]byte{0xc0, 0xbb, 0x78}, -123456},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, -1 << 63},
	} {
		r := byteReader{b: c.in}
		if got := r.sleb(); got != c.want || r.err != nil || r.at != uint64(len(c.in)) {
			t.Errorf("sleb % x = %d (err %v, read %d), want %d", c.in, got, r.err, r.at, c.want)
		}
	}
	for _, c := range []struct {
		in   []byte
		want uint64
	}{
		{[]byte{0x02}, 2}, {[]byte{0x7f}, 127}, {[]byte{0x80, 0x01}, 128}, {[]byte{0xe5, 0x8e, 0x26}, 624485},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1<<64 - 1},
	} {
		r := byteReader{b: c.in}
		if got := r.uleb(); got != c.want || r.err != nil || r.at != uint64(len(c.in)) {
			t.Errorf("uleb % x = %d (err %v, read %d), want %d", c.in, got, r.err, r.at, c.want)
		}
	}
	for _, read := range []func(*byteReader) int64{
		(*byteReader).sleb, func(r *byteReader) int64 { return int64(r.uleb()) },
	} {
		r := byteReader{b: []byte{0x80, 0x80}}
		if got := read(&r); got != 0 || r.err != errTruncated {
			t.Errorf("truncated number: got %d, err %v; want 0, errTruncated", got, r.err)
		}
	}
}
