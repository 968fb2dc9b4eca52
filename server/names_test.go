package server

import (
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	long := strings.Repeat("a", 63)
	for name, want := range map[string]bool{
		"opensnoop": true, "a": true, "9lives": true, "run-1.v2_x": true, long: true,
		"": false, long + "a": false, "-x": false, ".hidden": false, "_x": false,
		"../x": false, "a/b": false, "a b": false, "é": false, "x\x00": false,
	} {
		if got := validName(name); got != want {
			t.Errorf("validName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestMetricName(t *testing.T) {
	for in, want := range map[string]string{
		"args_hist": "args_hist", "a.b-c": "a_b_c", "x y/z": "x_y_z", "é1": "_1", "": "",
	} {
		if got := metricName(in); got != want {
			t.Errorf("metricName(%q) = %q, want %q", in, got, want)
		}
	}
}
