package gen

import (
	"os"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// TestMain runs the tests in a private mount namespace: attaching a tracepoint
// may mount tracefs.
func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }
