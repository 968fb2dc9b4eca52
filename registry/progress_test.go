package registry

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"oras.land/oras-go/v2/content"
)

func TestProgressBar(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 3<<20)
	desc := content.NewDescriptorFromBytes(MediaTypePackage, data)
	var out strings.Builder
	got, err := io.ReadAll(withProgress(bytes.NewReader(data), desc, "pull", &out))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the bar changed the data: %v", err)
	}
	drawn := out.String()
	if !strings.Contains(drawn, "pull "+desc.Digest.Encoded()[:12]) || !strings.Contains(drawn, "100% 3.0 MiB") || strings.Count(drawn, "\n") != 1 || !strings.HasSuffix(drawn, "\n") {
		t.Errorf("bar output %q: want redraws ending at 100%% and one newline", drawn)
	}
	if strings.Count(drawn, "\r") > 101 {
		t.Errorf("%d redraws: want at most one per percent", strings.Count(drawn, "\r"))
	}

	// Small blobs and a nil writer get no bar.
	small := content.NewDescriptorFromBytes(MediaTypePackage, []byte("tiny"))
	if r := withProgress(strings.NewReader("tiny"), small, "pull", &out); r == nil {
		t.Fatal("nil reader")
	} else if _, ok := r.(*bar); ok {
		t.Error("a bar for a 4-byte blob")
	}
	if _, ok := withProgress(bytes.NewReader(data), desc, "pull", nil).(*bar); ok {
		t.Error("a bar without a writer")
	}
}
