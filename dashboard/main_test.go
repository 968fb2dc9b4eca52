package dashboard_test

import (
	"os"
	"testing"

	"nomia.dev/nomia/internal/bpftest"
)

// TestMain runs the tests in a private mount namespace: starting tracepoint
// programs may mount tracefs, which must not outlive the tests.
func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }
