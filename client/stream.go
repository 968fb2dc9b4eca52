package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"nomia.dev/nomia/server/api"
)

// ErrProgramEnded is returned by Events and Snapshots when the server ends the
// stream because the program stopped.
var ErrProgramEnded = errors.New("the program stopped")

// Events streams a program's events to h, starting after event `after` (0:
// everything the server still buffers), until ctx ends (nil), h fails (its
// error), or the program stops (ErrProgramEnded). Events the server's buffer
// dropped before they could be sent are reported to gap, when not nil. To
// resume after a broken connection, call Events again with the Seq of the
// last event h saw.
func (c *Client) Events(ctx context.Context, name string, after uint64, h func(api.Event) error, gap func(api.Gap)) error {
	header := http.Header{}
	if after > 0 {
		header.Set("Last-Event-ID", strconv.FormatUint(after, 10))
	}
	return c.stream(ctx, programPath(name, "/events"), header, func(kind string, data []byte) error {
		switch kind {
		case "event":
			var ev api.Event
			if err := json.Unmarshal(data, &ev); err != nil {
				return fmt.Errorf("server %s: unreadable event: %v", c.base, err)
			}
			return h(ev)
		case "gap":
			var g api.Gap
			if json.Unmarshal(data, &g) == nil && gap != nil {
				gap(g)
			}
		}
		return nil
	})
}

// Snapshots streams a program's maps every interval (a Go duration such as
// "2s"; "" is the server's default) until ctx ends or the program stops.
func (c *Client) Snapshots(ctx context.Context, name, interval string, h func(*api.MapSnapshot) error) error {
	path := programPath(name, "/snapshots")
	if interval != "" {
		path += "?interval=" + interval
	}
	return c.stream(ctx, path, nil, func(kind string, data []byte) error {
		if kind != "maps" {
			return nil
		}
		s := new(api.MapSnapshot)
		if err := json.Unmarshal(data, s); err != nil {
			return fmt.Errorf("server %s: unreadable snapshot: %v", c.base, err)
		}
		return h(s)
	})
}

// stream reads Server-Sent Events and hands each (kind, data) to h; an "end"
// event ends it with ErrProgramEnded.
func (c *Client) stream(ctx context.Context, path string, header http.Header, h func(kind string, data []byte) error) error {
	if header == nil {
		header = http.Header{}
	}
	header.Set("Accept", "text/event-stream")
	resp, err := c.send(ctx, http.MethodGet, path, nil, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	kind, data := "message", []byte(nil)
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if data != nil {
				if kind == "end" {
					return ErrProgramEnded
				}
				if err := h(kind, data); err != nil {
					return err
				}
			}
			kind, data = "message", nil
		case bytes.HasPrefix(line, []byte("event: ")):
			kind = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data[:0:0], line[len("data: "):]...)
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("server %s: stream broke: %v", c.base, err)
	}
	return fmt.Errorf("server %s: stream closed by the server", c.base)
}
