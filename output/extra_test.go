package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pidExtra stands for stack frames: it prints something derived from the
// record (its pid) so the test sees that Extra gets the right bytes.
type pidExtra struct{}

func (pidExtra) AppendJSON(dst, rec []byte) []byte {
	return fmt.Appendf(dst, `,"stacks":{"k":["f%d"]}`, rec[0])
}

func (pidExtra) AppendText(dst, rec []byte) []byte {
	return fmt.Appendf(dst, "    f%d\n", rec[0])
}

func TestExtra(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := Event{Map: "events", Decoder: execDecoder(t), Time: at, Data: execRecord(7, 0, "sh"), Extra: pidExtra{}}

	var js bytes.Buffer
	w := NewJSON(&js, Options{})
	if err := w.Write(ev); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	var obj map[string]any
	if err := json.Unmarshal(js.Bytes(), &obj); err != nil {
		t.Fatalf("%v: %s", err, js.String())
	}
	if got := fmt.Sprint(obj["stacks"]); got != "map[k:[f7]]" || obj["pid"] != 7.0 {
		t.Errorf("JSON = %s", js.String())
	}

	var text bytes.Buffer
	w = NewTable(&text, Options{Location: time.UTC})
	w.Write(ev)
	w.Flush()
	lines := strings.Split(text.String(), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "03:04:05 7") || lines[2] != "    f7" {
		t.Errorf("table = %q, want header, row, then the extra line", lines)
	}
}
