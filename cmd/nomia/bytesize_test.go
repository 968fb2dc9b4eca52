package main

import "testing"

func TestByteSize(t *testing.T) {
	for in, want := range map[string]byteSize{"4096": 4096, "512K": 512 << 10, "16m": 16 << 20, "1G": 1 << 30} {
		var b byteSize
		if err := b.Set(in); err != nil || b != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "3G", "1.5M"} {
		var b byteSize
		if err := b.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %d", in, b)
		}
	}
}
