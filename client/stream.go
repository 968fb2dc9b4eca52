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
	"time"

	"nomia.dev/nomia/server/api"
)

// ErrProgramEnded is returned by Events and Snapshots when the server ends the
// stream because the program stopped.
var ErrProgramEnded = errors.New("the program stopped")

// StreamOptions say where an event stream starts and whether it follows.
type StreamOptions struct {
	// After is the Seq of the last event already seen; 0 starts with
	// everything the server still buffers. To resume after a broken
	// connection, pass the Seq of the last event received.
	After uint64
	// NoFollow ends the stream (with a nil error) once the buffered events
	// are sent, instead of waiting for new ones.
	NoFollow bool
	// Gap, when set, is told how many events the server's bounded buffer
	// dropped before they could be sent.
	Gap func(api.Gap)
	// Reconnect resumes a broken stream (a dropped connection, a restarting
	// server) after the last event received, once a second, until ctx ends.
	Reconnect bool
	// Reconnecting, when set, is told why the stream is about to reconnect.
	Reconnecting func(error)
}

// Events streams a program's events to h until ctx ends (nil), h fails (its
// error), the program stops (ErrProgramEnded) or, with NoFollow, the
// buffered events are sent (nil).
func (c *Client) Events(ctx context.Context, name string, opts StreamOptions, h func(api.Event) error) error {
	for {
		err := c.events(ctx, name, &opts, h)
		var herr handlerError
		switch {
		case errors.As(err, &herr):
			return herr.error
		case !opts.Reconnect || err == nil || ctx.Err() != nil || errors.Is(err, ErrProgramEnded):
			return err
		}
		var answer *Error
		if errors.As(err, &answer) && answer.Status != http.StatusServiceUnavailable {
			return err // the server answered: retrying asks the same question
		}
		if opts.Reconnecting != nil {
			opts.Reconnecting(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(reconnectDelay):
		}
	}
}

// reconnectDelay is the pause before a stream reconnects.
const reconnectDelay = time.Second

// handlerError carries an error that reconnecting cannot cure (the caller's
// handler failed, or the server sent garbage) out of stream.
type handlerError struct{ error }

// events runs one stream, moving opts.After along the events received.
func (c *Client) events(ctx context.Context, name string, opts *StreamOptions, h func(api.Event) error) error {
	header := http.Header{}
	if opts.After > 0 {
		header.Set("Last-Event-ID", strconv.FormatUint(opts.After, 10))
	}
	path := programPath(name, "/events")
	if opts.NoFollow {
		path += "?follow=false"
	}
	err := c.stream(ctx, path, header, func(kind string, data []byte) error {
		switch kind {
		case "event":
			var ev api.Event
			if err := json.Unmarshal(data, &ev); err != nil {
				return handlerError{fmt.Errorf("server %s: unreadable event: %v", c.base, err)}
			}
			opts.After = ev.Seq
			if err := h(ev); err != nil {
				return handlerError{err}
			}
		case "gap":
			var g api.Gap
			if json.Unmarshal(data, &g) == nil && opts.Gap != nil {
				opts.Gap(g)
			}
		}
		return nil
	})
	if opts.NoFollow && errors.Is(err, errClosed) {
		return nil
	}
	return err
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
	return fmt.Errorf("server %s: %w", c.base, errClosed)
}

// errClosed is a stream the server ended without saying why.
var errClosed = errors.New("stream closed by the server")
