package main

import (
	"slices"
	"testing"
)

// TestWasmEnviron checks that --env passes KEY=VALUE through, takes a bare
// KEY's value from this process, and refuses a bare KEY that is not set.
func TestWasmEnviron(t *testing.T) {
	t.Setenv("NOMIA_WASM_TEST", "from-host")
	w := wasmFlags{env: []string{"A=1", "NOMIA_WASM_TEST", "B=x=y"}}
	got, err := w.environ()
	if want := []string{"A=1", "NOMIA_WASM_TEST=from-host", "B=x=y"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("environ() = %q, %v; want %q", got, err, want)
	}
	w = wasmFlags{env: []string{"NOMIA_WASM_SURELY_UNSET"}}
	if _, err := w.environ(); err == nil || err.Error() != "--env NOMIA_WASM_SURELY_UNSET: not set in this environment; give it as NOMIA_WASM_SURELY_UNSET=VALUE" {
		t.Errorf("environ() of an unset KEY: %v", err)
	}
}
