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

// ProgressReader wraps r, which will yield size bytes, so that a bar labelled
// label is drawn on out as r is read. Without out, or for less than 1 MiB,
// it returns r itself: small blobs finish before a bar could be read.
func ProgressReader(r io.Reader, size int64, label string, out io.Writer) io.Reader {
	if out == nil || size < progressMin {
		return r
	}
	return &bar{r: r, out: out, total: size, label: label}
}

// withProgress is ProgressReader for a blob, labelled with its digest.
func withProgress(r io.Reader, desc ocispec.Descriptor, verb string, out io.Writer) io.Reader {
	return ProgressReader(r, desc.Size, verb+" "+desc.Digest.Encoded()[:12], out)
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
