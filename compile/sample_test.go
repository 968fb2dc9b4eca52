package compile

import (
	"strings"
	"testing"

	"nomia.dev/nomia/bpfpkg"
)

func TestBuildSample(t *testing.T) {
	pkg := mustBuild(t, "sample.bpf.c")
	got := map[string]*bpfpkg.MapSample{}
	for _, m := range pkg.Meta.Skel.Maps {
		got[m.Name] = m.Sample
	}
	want := map[string]*bpfpkg.MapSample{
		"hists":  {Interval: 1000, Type: "log2_hist", Unit: "usecs"},
		"counts": {Interval: 500, Type: "default_kv", ClearMap: true},
	}
	for name, w := range want {
		if g := got[name]; g == nil || *g != *w {
			t.Errorf("map %s sample = %+v, want %+v", name, g, w)
		}
	}
	if s, ok := got["start"]; !ok || s != nil {
		t.Errorf("map start: sample %+v (listed %v), want none", s, ok)
	}
}

func TestSampleErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`@sample {"interval": 1000, "type": "log3_hist"}`, `type "log3_hist" is not log2_hist, linear_hist or default_kv`},
		{`@sample {"type": "log2_hist"}`, `needs an "interval" in milliseconds above 0`},
		{`@sample {"interval": 1000, "intreval": 5}`, `unknown field "intreval"`},
		{`@sample every second`, `not a JSON object`},
	} {
		maps := []bpfpkg.Map{{Name: "hists", Ident: "hists"}}
		err := addSamples("x.bpf.c", maps, map[string][]string{"hists": {"About hists.", tc.doc}})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "compile: x.bpf.c: map hists: @sample ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.doc, err, tc.want)
		}
	}
}

func TestAnnotation(t *testing.T) {
	lines := []string{"Latency.", "@unit usecs", "@sample {\"interval\":", "1000}", "@other x"}
	if got, ok := annotation(lines, "sample"); !ok || got != "{\"interval\":\n1000}" {
		t.Errorf("annotation = %q, %v", got, ok)
	}
	if _, ok := annotation(lines, "samples"); ok {
		t.Error("@samples matched a prefix of a longer tag name")
	}
}
