package server_test

import (
	"log"
	"strings"
	"testing"
)

// quietLog sends the server's lifecycle lines to the test log.
func quietLog(t testing.TB) *log.Logger {
	return log.New(testWriter{t}, "", 0)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
