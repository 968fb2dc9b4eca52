package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"nomia.dev/nomia/bpfpkg"
)

// sampleTypes are the map printers eunomia-bpf knows; "default_kv" is its
// default when an @sample names no type.
var sampleTypes = map[string]bool{"log2_hist": true, "linear_hist": true, "default_kv": true}

// addSamples reads eunomia's `/// @sample {"interval": 1000, "type":
// "log2_hist"}` from the doc comment above each map and records it as the
// map's Sample, as eunomia's compiler (ecc) does. A malformed annotation is a
// build error: silently not sampling a map would look like a runner bug.
func addSamples(source string, maps []bpfpkg.Map, docs map[string][]string) error {
	for i := range maps {
		text, ok := annotation(docs[maps[i].Name], "sample")
		if !ok {
			continue
		}
		s, err := parseSample(text)
		if err != nil {
			return fmt.Errorf("compile: %s: map %s: @sample %s: %v: write e.g. /// @sample {\"interval\": 1000, \"type\": \"log2_hist\"}", source, maps[i].Name, text, err)
		}
		maps[i].Sample = s
	}
	return nil
}

// annotation returns the text of the tag @name in doc lines: the rest of its
// line and the lines after it up to the next tag, so a JSON value may span
// lines.
func annotation(lines []string, name string) (string, bool) {
	var parts []string
	found := false
	for _, l := range lines {
		if strings.HasPrefix(l, "@") {
			if found {
				break
			}
			tag, rest, _ := strings.Cut(l[1:], " ")
			if found = tag == name; found {
				parts = append(parts, rest)
			}
			continue
		}
		if found {
			parts = append(parts, l)
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n")), found
}

// parseSample decodes an @sample value with eunomia-bpf's rules: interval (ms)
// is required, type defaults to default_kv; unknown keys are errors, because a
// misspelled key would otherwise be dropped unseen.
func parseSample(text string) (*bpfpkg.MapSample, error) {
	var s bpfpkg.MapSample
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return nil, fmt.Errorf("not a JSON object of interval, type, unit, clear_map (%v)", err)
	}
	if s.Interval <= 0 {
		return nil, fmt.Errorf("needs an \"interval\" in milliseconds above 0")
	}
	if s.Type == "" {
		s.Type = bpfpkg.DefaultSampleType
	}
	if !sampleTypes[s.Type] {
		return nil, fmt.Errorf("type %q is not log2_hist, linear_hist or default_kv", s.Type)
	}
	return &s, nil
}
