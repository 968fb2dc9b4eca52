package registry

import (
	"fmt"
	"io"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// progressMin is the smallest blob worth a progress bar: smaller ones finish
// before a bar could be read.
const progressMin = 1 << 20

// withProgress wraps r so that a bar for desc is drawn on out (nil for none)
// as r is read.
func withProgress(r io.Reader, desc ocispec.Descriptor, verb string, out io.Writer) io.Reader {
	if out == nil || desc.Size < progressMin {
		return r
	}
	return &bar{r: r, out: out, total: desc.Size, label: verb + " " + desc.Digest.Encoded()[:12]}
}

// bar is a one-line progress bar redrawn in place with a carriage return; it
// draws only when the shown percentage changes.
type bar struct {
	r     io.Reader
	out   io.Writer
	label string
	total int64
	done  int64
	shown int
	ended bool
}

const barWidth = 30

func (b *bar) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.done += int64(n)
	pct := int(b.done * 100 / b.total)
	if !b.ended && (pct != b.shown || err != nil) {
		b.shown = pct
		fill := barWidth * pct / 100
		fmt.Fprintf(b.out, "\r%s [%s%s] %3d%% %s", b.label, strings.Repeat("=", fill), strings.Repeat(" ", barWidth-fill), pct, size(b.total))
		if b.done >= b.total || err != nil {
			b.ended = true
			fmt.Fprintln(b.out)
		}
	}
	return n, err
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
