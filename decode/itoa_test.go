package decode

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestAppendUintMatchesStrconv(t *testing.T) {
	values := []uint64{0, 9, 10, 99, 100, 101, 1e8 - 1, 1e8, 1e8 + 1, 1e16, 1e19 - 1, 1e19, math.MaxUint64}
	for p := uint64(1); p < 1e19; p *= 10 {
		values = append(values, p-1, p, p+1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		values = append(values, rng.Uint64()>>rng.IntN(64))
	}
	for _, v := range values {
		if got, want := string(appendUint([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendUint(%d) = %s, want %s", v, got, want)
		}
		s := int64(v)
		if got, want := string(appendInt(nil, s)), strconv.FormatInt(s, 10); got != want {
			t.Fatalf("appendInt(%d) = %s, want %s", s, got, want)
		}
	}
}
