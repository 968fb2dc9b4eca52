package sign

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
)

func TestNewPayload(t *testing.T) {
	d := digest.FromString("manifest")
	for _, ref := range []string{"localhost:5000/a/b", "localhost:5000/a/b:v1", "localhost:5000/a/b@" + d.String()} {
		p, err := NewPayload(ref, d, map[string]any{"by": "nomia"})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"critical":{"identity":{"docker-reference":"localhost:5000/a/b"},"image":{"docker-manifest-digest":"` +
			d.String() + `"},"type":"cosign container image signature"},"optional":{"by":"nomia"}}`
		if string(p) != want {
			t.Errorf("%s:\n got %s\nwant %s", ref, p, want)
		}
	}
	if _, err := NewPayload("no repository", d, nil); err == nil || !strings.Contains(err.Error(), `repository "no repository"`) {
		t.Errorf("bad reference: %v", err)
	}
	if _, err := NewPayload("localhost:5000/a", "sha256:short", nil); err == nil {
		t.Error("a malformed digest was accepted")
	}
}

func TestParsePayloadRoundTrip(t *testing.T) {
	d := digest.FromString("manifest")
	data, err := NewPayload("localhost:5000/a", d, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePayload(data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Digest() != d || p.Critical.Identity.DockerReference != "localhost:5000/a" {
		t.Errorf("parsed %+v", p)
	}
}

// FuzzParsePayload checks that any input either fails with a one-line
// error or yields a payload that marshals back to an equal payload.
// Seeds live in testdata/fuzz/FuzzParsePayload.
func FuzzParsePayload(f *testing.F) {
	f.Add([]byte(`{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:` +
		strings.Repeat("ab", 32) + `"},"type":"cosign container image signature"},"optional":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePayload(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if p.Critical.Type != SignatureType || p.Digest().Validate() != nil {
			t.Fatalf("accepted %+v", p)
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParsePayload(again)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", again, err)
		}
		if q.Critical != p.Critical {
			t.Fatalf("round trip changed %+v to %+v", p.Critical, q.Critical)
		}
	})
}
