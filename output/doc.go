// Package output writes decoded events as JSON lines or as an aligned table.
//
// Writers buffer about 64 KiB and write to the underlying io.Writer only when the
// buffer fills or on Flush, so a runner delivering millions of events per second makes
// few system calls. Timestamps are formatted once per second and reused, since
// formatting a time costs more than decoding a small record. Writers are not safe for
// concurrent use: callers serialize Write and Flush.
package output
