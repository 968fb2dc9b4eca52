package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes that also takes K, M and G suffixes (powers of
// 1024), as sizes of kernel buffers are usually written.
type byteSize uint32

func (b *byteSize) String() string {
	if *b == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(*b), 10)
}

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	mult := uint64(1)
	num := strings.TrimSpace(s)
	if n := len(num); n > 0 {
		switch strings.ToUpper(num[n-1:]) {
		case "K":
			mult, num = 1<<10, num[:n-1]
		case "M":
			mult, num = 1<<20, num[:n-1]
		case "G":
			mult, num = 1<<30, num[:n-1]
		}
	}
	v, err := strconv.ParseUint(num, 10, 32)
	if err != nil || v*mult > 1<<31 {
		return fmt.Errorf("want a size such as 4194304, 512K or 16M, at most 2G")
	}
	*b = byteSize(v * mult)
	return nil
}
